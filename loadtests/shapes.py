"""The load shape of the locust scenarios: step up, hold, step down."""

from __future__ import annotations

import math
import os

from locust import LoadTestShape

from loadtests.options import parse_duration


class StepLoad(LoadTestShape):
    """Step up to USERS in STEPS steps over the first 20% of DURATION, hold 60%, step down in 20%.
    A scenario subclasses it (locust runs the shape class a locustfile defines), naming its default
    number of users."""

    abstract = True
    default_users = 50
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
        else:
            fraction = math.ceil(self.steps * (self.duration - elapsed) / ramp) / self.steps
        # Each step is reached within about a second.
        return max(1, round(self.users * fraction)), max(1.0, self.users / self.steps)
