"""The load test's CPU split: a service's CPU counts its worker processes, and the machine's busy
time covers every process; the reports say how fast the machine was."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from loadtests.processes import cpu_used, machine, machine_busy_seconds, python_speed, tree_cpu_seconds

BURN = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass"


def test_a_service_counts_the_cpu_of_its_worker_processes() -> None:
    # A parent that starts a busy worker and waits, as uvicorn's supervisor does.
    parent = subprocess.Popen([sys.executable, "-c", (  # noqa: S603
        "import subprocess, sys, time\n"
        f"worker = subprocess.Popen([sys.executable, '-c', {BURN!r}])\n"
        "time.sleep(2)\nworker.wait()")])
    try:
        before, busy = tree_cpu_seconds(parent.pid), machine_busy_seconds()
        seen: dict[int, float] = {}
        for _ in range(40):  # until the worker has burnt its 0.4 s (it is alive for ~2 s)
            seen = tree_cpu_seconds(parent.pid)
            if cpu_used(before, seen) >= 0.35:
                break
            time.sleep(0.05)
        assert len(seen) == 2
        assert cpu_used(before, seen) >= 0.35
        assert machine_busy_seconds() - busy >= 0.35
    finally:
        parent.wait(10)


def test_the_machine_line_names_the_cores_and_the_python_yardstick() -> None:
    line = machine(speed=61.4)
    assert f"{os.cpu_count()} cores" in line
    assert line.endswith("; Python yardstick 61 ms")


def test_the_python_yardstick_takes_longer_for_more_work() -> None:
    # Best of three each: twenty times the work cannot come out faster, however busy the machine.
    assert python_speed(rounds=200_000, tries=3) > python_speed(rounds=10_000, tries=3) > 0
