"""What the benchmarks need to run the Integration Service as its own processes, and to read
the counters of a running service."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from scripts.infra import port_open

ROOT = Path(__file__).resolve().parent.parent


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
