"""The load test's shape: it steps up, holds and steps down, and reports the hold on its own
(what was answered at the full number of users, the ramps left out). Locust patches the standard
library with gevent when imported, so the shape runs in a process of its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# A 100 s run of 1,000 users: the ramp's sign-ins are slow, so are the first replies of the hold,
# those of its second half fast but for one failure; a staff call is slow (a reply target does not
# judge it), and the step down is slow again.
RUN = """
import json, sys, time
from locust import HttpUser, task
from locust.env import Environment
from loadtests.shapes import StepLoad

class Resident(HttpUser):
    host = "http://127.0.0.1:1"
    @task
    def nothing(self): pass

class Shape(StepLoad):
    duration, steps, default_users = 100.0, 5, 1000

environment = Environment(user_classes=[Resident], shape_class=Shape())
environment.create_local_runner()
shape, stats = environment.shape_class, environment.stats

def at(seconds):
    shape.start_time = time.perf_counter() - seconds
    return shape.tick()

at(10)
for _ in range(20):
    stats.log_request("BOT", "reply start", 16000, 0)
at(30)
for _ in range(9):
    stats.log_request("BOT", "reply my requests", 3000, 0)  # what the ramp left waiting
at(50)
for _ in range(99):
    stats.log_request("BOT", "reply my requests", 120, 0)
stats.log_request("BOT", "reply my requests", 900, 0)
stats.log_error("BOT", "reply my requests", "no reply within 15 s")
stats.log_request("CORE", "staff take", 9000, 0)
at(85)
stats.log_request("BOT", "reply my requests", 20000, 0)
at(90)
print(json.dumps([at(1), at(19), at(50), at(97), at(100)]))
"""


def run_shape(tmp_path: Path) -> tuple[list[object], dict[str, object]]:
    report = tmp_path / "hold.json"
    env = {"PATH": "/usr/bin:/bin", "LOADTEST_HOLD_REPORT": str(report)}
    command = [sys.executable, "-c", RUN]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)  # noqa: S603
    return json.loads(done.stdout.splitlines()[-1]), json.loads(report.read_text())


def test_it_steps_up_holds_steps_down_and_reports_the_hold_and_its_second_half(tmp_path: Path) -> None:
    ticks, hold = run_shape(tmp_path)
    assert ticks == [[200, 200.0], [1000, 200.0], [1000, 200.0], [200, 200.0], None]
    marker = tmp_path / "hold.start"  # the runner's cue to take its CPU figures for the hold
    assert marker.exists()
    assert marker.stat().st_mtime <= (tmp_path / "hold.json").stat().st_mtime
    assert hold == {"users": 1000, "count": 109, "failures": 1, "p50_ms": 120, "p95_ms": 3000, "p99_ms": 3000,
                    "second_half": {"count": 100, "failures": 1, "p50_ms": 120, "p95_ms": 120, "p99_ms": 900}}
