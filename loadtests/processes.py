"""What the benchmarks need to run the Integration Service as its own processes, to read the
counters of a running service, to tell which processes used the machine's CPU, and to say how fast
the machine was."""

from __future__ import annotations

import contextlib
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from scripts.infra import port_open

ROOT = Path(__file__).resolve().parent.parent
# The yardstick's work: enough to take tens of milliseconds, little enough to run before every report.
YARDSTICK_ROUNDS = 200_000


def free_port() -> int:
    """A TCP port nothing listens on (the kernel's pick)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_integration(commands: Sequence[Sequence[str]], env: dict[str, str],
                      port: int) -> list[subprocess.Popen[bytes]]:
    """`python -m integration_service <command>` for each command; returned once `port` answers."""
    processes = [subprocess.Popen([sys.executable, "-m", "integration_service", *command], cwd=ROOT,  # noqa: S603
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for command in commands]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if port_open("127.0.0.1", port):
            return processes
        time.sleep(0.1)
    for process in processes:
        process.kill()
    raise RuntimeError("integration_service did not start")


def metric(url: str, name: str, **labels: str) -> float:
    """The sum of a Prometheus counter's samples whose labels include `labels`."""
    total = 0.0
    for line in httpx.get(url, timeout=10).text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def _stat_fields(stat: str) -> list[str]:
    return stat.rsplit(")", 1)[1].split()


def _ticks_to_seconds(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process (all its threads) has used so far (Linux /proc)."""
    return _ticks_to_seconds(_stat_fields(Path(f"/proc/{pid}/stat").read_text()))


def _all_stats() -> dict[int, str]:
    stats: dict[int, str] = {}
    for path in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            stats[int(path.parent.name)] = path.read_text()
    return stats


def named_cpu_seconds(names: tuple[str, ...]) -> dict[int, float]:
    """CPU seconds of every process with one of these command names (PostgreSQL's backends, Redis)."""
    found: dict[int, float] = {}
    for pid, stat in _all_stats().items():
        with contextlib.suppress(IndexError, ValueError):
            if stat.split("(", 1)[1].rsplit(")", 1)[0] in names:
                found[pid] = _ticks_to_seconds(_stat_fields(stat))
    return found


def command_cpu_seconds(fragment: str) -> dict[int, float]:
    """CPU seconds of every process whose command line contains `fragment` (`-m core_service`: the
    stack's services are all named `python`), and of the processes below them (uvicorn's workers)."""
    stats = _all_stats()
    roots: set[int] = set()
    for pid in stats:
        with contextlib.suppress(OSError):
            if fragment.encode() in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" "):
                roots.add(pid)
    return _tree_seconds(stats, roots)


def tree_cpu_seconds(root: int) -> dict[int, float]:
    """CPU seconds of `root` and every process below it (a service's uvicorn worker processes)."""
    return _tree_seconds(_all_stats(), {root})


def _tree_seconds(stats: dict[int, str], roots: set[int]) -> dict[int, float]:
    parents = {pid: int(_stat_fields(stat)[1]) for pid, stat in stats.items()}
    tree, grew = set(roots), True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= below
        grew = bool(below)
    return {pid: _ticks_to_seconds(_stat_fields(stats[pid])) for pid in tree if pid in stats}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two snapshots, of the processes alive at the second (one that exited in
    between takes its CPU time with it)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent not idle, over all its CPUs (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def python_speed(rounds: int = YARDSTICK_ROUNDS, tries: int = 5) -> float:
    """Milliseconds this machine takes for a fixed piece of plain Python (dict, str and int work as
    in a request's handling), the best of `tries`: a yardstick that makes one day's figures
    comparable with another's, since the machines here differ by up to 2.5x in speed."""
    best = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        table: dict[int, str] = {}
        for i in range(rounds):
            table[i & 255] = str(i)
            if len(table[i & 255]) > 6:
                table.pop(i & 255)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def machine(speed: float | None = None) -> str:
    """CPU model, cores, Python and the yardstick (`speed`, or `python_speed()` now), for the record."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return (f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}; "
            f"Python yardstick {python_speed() if speed is None else speed:.0f} ms")
