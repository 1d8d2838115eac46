"""The replicated stack, started once for the module (it takes a minute to start)."""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from loadtests import replicas
from shared import testing

# The bot tests' harness (a person chatting through the emulator's control API) drives the dialogue.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bot_gateway" / "tests"))


@pytest.fixture(scope="module")
def cluster() -> Iterator[replicas.Cluster]:
    """Two of everything behind round-robin proxies; every process's log printed if a test fails."""
    with replicas.running(testing.redis_url("shared")) as running:
        yield running


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test's report ends with the last lines of every process's log."""
    report = yield
    running = getattr(item, "funcargs", {}).get("cluster")
    if report.failed and isinstance(running, replicas.Cluster):
        report.sections.append(("replica logs", running.tails()))
    return report
