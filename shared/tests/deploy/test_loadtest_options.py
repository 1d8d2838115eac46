"""`make loadtest` settings: USERS, DURATION (seconds or locust's forms), SCENARIOS, PROCESSES; a
setting in another form is refused with a message naming the forms it takes, before anything starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from loadtests.options import OptionError, Options, parse_duration, parse_options

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("value", "seconds"), [
    ("15", 15), ("15s", 15), ("5m", 300), ("1h30m", 5400), ("1h", 3600), ("2m30s", 150), (" 90 ", 90),
    ("1H", 3600)])
def test_a_duration_is_seconds_or_locusts_form(value: str, seconds: int) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "0", "0s", "fast", "15 s", "1.5", "-5", "30m1h", "1h30", "5min",
                                   "٣٠"])
def test_another_duration_is_refused_naming_the_accepted_forms(value: str) -> None:
    with pytest.raises(OptionError) as refused:
        parse_duration(value)
    assert "`30s`, `5m`, `1h30m`" in str(refused.value)


def test_the_defaults_are_fifty_users_for_thirty_seconds_in_both_scenarios() -> None:
    expected = Options(users=50, duration_s=30, scenarios=("integration", "bot"), processes=1)
    assert parse_options({}) == expected


def test_settings_are_read_from_the_environment() -> None:
    env = {"USERS": "300", "DURATION": "2m", "SCENARIOS": "bot", "PROCESSES": "-1", "WORKERS": "2"}
    expected = Options(users=300, duration_s=120, scenarios=("bot",), processes=-1, workers=2)
    assert parse_options(env) == expected


@pytest.mark.parametrize(("env", "named"), [
    ({"USERS": "many"}, "USERS='many'"), ({"USERS": "0"}, "USERS='0'"),
    ({"SCENARIOS": "bot,web"}, "integration, bot, resident"),
    ({"SCENARIOS": ""}, "integration, bot, resident"),
    ({"PROCESSES": "0"}, "PROCESSES='0'"), ({"WORKERS": "-1"}, "WORKERS='-1'")])
def test_a_bad_setting_is_refused_naming_it(env: dict[str, str], named: str) -> None:
    with pytest.raises(OptionError, match=named.replace("(", r"\(")):
        parse_options(env)


def test_make_loadtest_refuses_a_bad_duration_before_starting_anything() -> None:
    env = {"PATH": "/usr/bin:/bin", "DURATION": "fifteen", "HOME": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "scripts.stack", "loadtest"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "DURATION='fifteen' is not a duration" in done.stderr
    assert "usage: make loadtest" in done.stderr


def test_a_residents_reply_is_judged_by_half_a_second_unless_reply_p95_target_ms_says() -> None:
    from loadtests.loadtest_run import targets_for

    assert targets_for("resident", {}) == {"http": 200.0, "reply": 500.0}
    assert targets_for("bot", {}) == {"http": 200.0, "reply": 2000.0}
    assert targets_for("resident", {"REPLY_P95_TARGET_MS": "800", "P95_TARGET_MS": "150"}) == {
        "http": 150.0, "reply": 800.0}
