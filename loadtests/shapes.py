"""The load shape of the locust scenarios: step up, hold, step down; and the figures of the hold."""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from pathlib import Path
from typing import Any

from locust import LoadTestShape
from locust.env import Environment
from locust.stats import calculate_response_time_percentile

from loadtests.options import HOLD_REPORT_ENV, parse_duration


def judged(environment: Environment) -> tuple[Counter[int], int]:
    """The response times so far (rounded ms -> count) and failures of what a scenario's target
    judges: its bot replies ("reply ..."), or every request where it has none."""
    entries = list(environment.stats.entries.values())
    replies = [e for e in entries if e.name.startswith("reply")]
    times: Counter[int] = Counter()
    for entry in replies or entries:
        times.update(entry.response_times)
    return times, sum(e.num_failures for e in replies or entries)


def figures(start: tuple[Counter[int], int], end: tuple[Counter[int], int]) -> dict[str, Any]:
    """Count, failures and p50/p95/p99 (ms) of what was answered between two moments, from what
    `judged` gave at each."""
    times, failures = end[0] - start[0], end[1] - start[1]
    count = sum(times.values())
    out: dict[str, Any] = {"count": count, "failures": failures}
    for name, percent in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        out[name] = calculate_response_time_percentile(dict(times), count, percent) if count else 0
    return out


class StepLoad(LoadTestShape):
    """Step up to USERS in STEPS steps over the first 20% of DURATION, hold 60%, step down in 20%.
    A scenario subclasses it (locust runs the shape class a locustfile defines), naming its default
    number of users."""

    abstract = True
    default_users = 50
    _hold_start: tuple[Counter[int], int] | None = None
    _hold_middle: tuple[Counter[int], int] | None = None
    _hold_reported = False
    duration = float(parse_duration(os.environ.get("DURATION", "60")))
    steps = max(1, int(os.environ.get("STEPS", "5")))

    @property
    def users(self) -> int:
        """How many users the plateau holds."""
        return int(os.environ.get("USERS", str(self.default_users)))

    def tick(self) -> tuple[int, float] | None:
        """(users, spawn rate) now, or None to stop."""
        elapsed: float = self.get_run_time()  # type: ignore[no-untyped-call]  # locust leaves it untyped
        ramp = self.duration * 0.2
        if elapsed >= self.duration:
            return None
        if elapsed < ramp:
            fraction = math.ceil(self.steps * elapsed / ramp) / self.steps
        elif elapsed < self.duration - ramp:
            fraction = 1.0
            if self.runner is not None:
                if self._hold_start is None:
                    self._hold_start = judged(self.runner.environment)
                    self._mark_hold_start()
                if self._hold_middle is None and elapsed >= self.duration / 2:
                    self._hold_middle = judged(self.runner.environment)
        else:
            fraction = math.ceil(self.steps * (self.duration - elapsed) / ramp) / self.steps
            self._report_hold()
        # Each step is reached within about a second.
        return max(1, round(self.users * fraction)), max(1.0, self.users / self.steps)

    def _mark_hold_start(self) -> None:
        """Tell the runner the hold has begun (the report's path with the suffix `.start`), so that
        it can take its CPU figures over the hold alone."""
        path = os.environ.get(HOLD_REPORT_ENV)
        if path:
            Path(path).with_suffix(".start").touch()

    def _report_hold(self) -> None:
        """Write the figures of what was answered during the hold (at the full number of users, the
        ramps left out), and during its second half alone (once the ramp's backlog is answered), to
        the file `LOADTEST_HOLD_REPORT` names, once."""
        path = os.environ.get(HOLD_REPORT_ENV)
        if self._hold_reported or self._hold_start is None or self.runner is None or not path:
            return
        self._hold_reported = True
        now = judged(self.runner.environment)
        report = {"users": self.users, **figures(self._hold_start, now)}
        if self._hold_middle is not None:
            report["second_half"] = figures(self._hold_middle, now)
        Path(path).write_text(json.dumps(report))
