"""What `make loadtest` accepts (USERS, DURATION, SCENARIOS, PROCESSES, WORKERS), checked before
anything starts."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

SCENARIOS = ("integration", "bot", "resident")
DEFAULT_SCENARIOS = "integration,bot"
# Where the load shape writes what was answered during the hold (`loadtests/shapes.py`).
HOLD_REPORT_ENV = "LOADTEST_HOLD_REPORT"
# Locust's own `--run-time` forms: `90`, `90s`, `5m`, `1h30m`, `1h30m15s` (units in this order).
_DURATION = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$", re.ASCII)
DURATION_FORMS = "seconds (`90`) or locust's `30s`, `5m`, `1h30m`"
USAGE = ("usage: make loadtest [USERS=<whole number >= 1, default 50>] "
         f"[DURATION=<{DURATION_FORMS}, default 30>] "
         f"[SCENARIOS=<one or more of {', '.join(SCENARIOS)}, comma-separated, default {DEFAULT_SCENARIOS}>] "
         "[PROCESSES=<locust worker processes, a whole number >= 1 or -1 for one per CPU, default 1>] "
         "[WORKERS=<uvicorn processes of the services under test, a whole number >= 1, default 1>]")


class OptionError(ValueError):
    """A load-test setting in a form `make loadtest` does not take; the message names the forms."""


@dataclass(frozen=True)
class Options:
    """The parsed settings of one `make loadtest`."""

    users: int
    duration_s: int
    scenarios: tuple[str, ...]
    processes: int
    workers: int = 1


def parse_duration(value: str) -> int:
    """Seconds from `90`, `90s`, `5m` or `1h30m`; an `OptionError` naming the forms otherwise."""
    text = value.strip().lower()
    match = _DURATION.match(f"{text}s" if text.isascii() and text.isdigit() else text)
    if not text or match is None:
        raise OptionError(f"DURATION={value!r} is not a duration: use {DURATION_FORMS}")
    hours, minutes, seconds = (int(match.group(g) or 0) for g in "hms")
    total = hours * 3600 + minutes * 60 + seconds
    if total < 1:
        raise OptionError(f"DURATION={value!r} is zero: use {DURATION_FORMS}, at least one second")
    return total


def _whole(name: str, value: str, *, allowed: set[int] | None = None) -> int:
    """A whole number >= 1 (or one of `allowed`); an `OptionError` naming the form otherwise."""
    text = value.strip()
    number = int(text) if re.fullmatch(r"-?\d+", text, re.ASCII) else 0
    if number < 1 and number not in (allowed or set()):
        raise OptionError(f"{name}={value!r} is not a whole number of at least 1")
    return number


def parse_scenarios(value: str) -> tuple[str, ...]:
    """The scenario names, comma-separated, each one of `SCENARIOS`."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in SCENARIOS]
    if not names or unknown:
        raise OptionError(f"SCENARIOS={value!r}: name one or more of {', '.join(SCENARIOS)}, comma-separated")
    return names


def parse_options(env: Mapping[str, str] = os.environ) -> Options:
    """The settings from the environment, with their defaults; `OptionError` on the first bad one."""
    return Options(users=_whole("USERS", env.get("USERS", "50")),
                   duration_s=parse_duration(env.get("DURATION", "30")),
                   scenarios=parse_scenarios(env.get("SCENARIOS", DEFAULT_SCENARIOS)),
                   processes=_whole("PROCESSES", env.get("PROCESSES", "1"), allowed={-1}),
                   workers=_whole("WORKERS", env.get("WORKERS", "1")))
