"""The load test's CPU split: a service's CPU counts its worker processes, and the machine's busy
time covers every process; the reports say how fast the machine was."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from loadtests.loadtest_run import bot_groups, cpu_split, per_reply
from loadtests.processes import (
    command_cpu_seconds,
    cpu_used,
    machine,
    machine_busy_seconds,
    python_speed,
    tree_cpu_seconds,
)

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


def test_a_stack_service_is_found_by_its_command_line() -> None:
    # The stack's services are all `python`: only the command line tells Core from the emulator.
    code = BURN + "\ntime.sleep(2)"
    busy = subprocess.Popen([sys.executable, "-c", code, "-m", "cpu_probe_service"])  # noqa: S603
    other = subprocess.Popen([sys.executable, "-c", code])  # noqa: S603
    try:
        found: dict[int, float] = {}
        for _ in range(40):  # until it has burnt its 0.4 s
            found = command_cpu_seconds("-m cpu_probe_service")
            if found.get(busy.pid, 0.0) >= 0.35:
                break
            time.sleep(0.05)
        assert list(found) == [busy.pid]
        assert found[busy.pid] >= 0.35
    finally:
        for proc in (busy, other):
            proc.kill()
            proc.wait(5)


def test_the_stack_s_own_bot_is_counted_apart_from_the_bots_under_test() -> None:
    # Every bot is `python -m bot_gateway`: the ones under test are known by their process.
    code = "import time\ntime.sleep(5)"
    tested = subprocess.Popen([sys.executable, "-c", code, "-m", "bot_gateway"])  # noqa: S603
    stack = subprocess.Popen([sys.executable, "-c", code, "-m", "bot_gateway"])  # noqa: S603
    try:
        groups = {who: snapshot() for who, snapshot in bot_groups([tested]).items()}
        assert tested.pid in groups["bots under test"] and stack.pid not in groups["bots under test"]
        assert stack.pid in groups["the stack's bot"] and tested.pid not in groups["the stack's bot"]
    finally:
        for proc in (tested, stack):
            proc.kill()
            proc.wait(5)


def test_the_split_over_the_hold_starts_and_ends_when_the_shape_says(tmp_path: Path) -> None:
    hold = tmp_path / "resident_hold.json"
    for stale in (hold, hold.with_suffix(".start")):  # an earlier run's files
        stale.write_text("{}")
        os.utime(stale, (time.time() - 600, time.time() - 600))
    spent = itertools.count()  # the group's CPU seconds grow by one at each look
    with cpu_split({"bots under test": lambda: {1: float(next(spent))}}, "proxy", hold) as split:
        time.sleep(0.5)
        assert "hold start" not in split.marks
        hold.with_suffix(".start").touch()
        _wait_for(lambda: "hold start" in split.marks)
        hold.write_text("{}")
        _wait_for(lambda: "hold end" in split.marks)
    assert split.between("hold start", "hold end")["bots under test"] == 1.0
    assert split.between("run start", "run end")["bots under test"] == 3.0
    assert split.between("hold start", "hold end")["wall"] < split.between("run start", "run end")["wall"]


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_bot_reply_carries_the_cpu_of_the_staff_calls_beside_it() -> None:
    # The hold answered 400 replies; the staff's calls to Core cost CPU but are not replies.
    split = {"bots under test": 2.0, "Core": 1.5, "machine": 5.0, "wall": 10.0}
    assert per_reply(split, 400) == {"bots under test": 5.0, "Core": 3.75, "machine": 12.5}
