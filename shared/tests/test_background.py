"""BackgroundLoop as a caller sees it: back-off, stop within grace, wake-ups, failures, metrics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from prometheus_client import REGISTRY

from shared.background import BackgroundLoop, backoff_delay


def metric(name: str, loop: str) -> float:
    return REGISTRY.get_sample_value(name, {"loop": loop}) or 0.0


async def eventually(condition: Callable[[], bool], seconds: float = 2.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


class Script:
    """A step that fails while `failing` is set and records when it ran."""

    def __init__(self, *, busy: bool = False) -> None:
        self.calls: list[float] = []
        self.failing = False
        self.busy = busy

    async def __call__(self) -> bool:
        self.calls.append(time.monotonic())
        if self.failing:
            raise ConnectionError("down")
        return self.busy


def test_backoff_grows_to_its_cap_with_jitter():
    assert 0.1 <= backoff_delay(1, 5.0) <= 0.2
    assert 0.4 <= backoff_delay(3, 5.0) <= 0.8
    assert 2.5 <= backoff_delay(10, 5.0) <= 5.0
    assert 2.5 <= backoff_delay(10_000, 5.0) <= 5.0


async def test_failures_back_off_longer_and_a_success_resets_them():
    step = Script()
    step.failing = True
    loop = BackgroundLoop("test-backoff", step, interval=0.01, max_backoff=0.4, expected=(ConnectionError,))
    loop.start()
    await eventually(lambda: len(step.calls) >= 4)
    gaps = [b - a for a, b in zip(step.calls, step.calls[1:], strict=False)]
    assert gaps[0] < 0.25 and gaps[2] >= 0.2  # 0.1-0.2 s, then 0.2-0.4, then 0.2-0.4 (capped)
    assert loop.failures >= 3
    step.failing = False
    await eventually(lambda: loop.failures == 0)
    await loop.stop()


async def test_a_crash_in_one_step_does_not_end_the_loop(caplog):
    outcomes: list[Exception | None] = [RuntimeError("bug"), None, None]

    async def step() -> bool:
        outcome = outcomes.pop(0) if outcomes else None
        if outcome is not None:
            raise outcome
        return False

    loop = BackgroundLoop("test-crash", step, interval=0.01)
    loop.start()
    await eventually(lambda: not outcomes)
    assert loop.running
    assert any(r.exc_info for r in caplog.records if r.name == "background")  # a bug shows its traceback
    await loop.stop()
    assert not loop.running


async def test_wake_cuts_the_idle_wait_short():
    step = Script()
    loop = BackgroundLoop("test-wake", step, interval=30)
    loop.start()
    await eventually(lambda: len(step.calls) == 1)
    woken = time.monotonic()
    loop.wake()
    await eventually(lambda: len(step.calls) == 2, seconds=1.0)
    assert step.calls[1] - woken < 0.5
    await loop.stop()


async def test_a_shared_event_wakes_it_and_linger_holds_the_next_step():
    event = asyncio.Event()
    step = Script()
    loop = BackgroundLoop("test-linger", step, interval=30, linger=0.1, wake=event)
    loop.start()
    await eventually(lambda: len(step.calls) == 1)
    woken = time.monotonic()
    event.set()
    await eventually(lambda: len(step.calls) == 2)
    assert 0.09 <= step.calls[1] - woken < 1.0
    await loop.stop()


async def test_a_busy_step_runs_again_at_once():
    step = Script(busy=True)
    loop = BackgroundLoop("test-busy", step, interval=30)
    loop.start()
    await eventually(lambda: len(step.calls) >= 20, seconds=1.0)
    await loop.stop()


async def test_stop_lets_the_step_finish_within_grace():
    finished = asyncio.Event()

    async def step() -> bool:
        await asyncio.sleep(0.05)
        finished.set()
        return False

    loop = BackgroundLoop("test-grace", step, interval=30, grace=1.0)
    loop.start()
    await asyncio.sleep(0.01)
    await loop.stop()
    assert finished.is_set() and not loop.running


async def test_stop_cancels_a_step_that_outlasts_grace():
    cancelled = asyncio.Event()

    async def step() -> bool:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return False

    loop = BackgroundLoop("test-cancel", step, grace=0.05)
    loop.start()
    await asyncio.sleep(0.01)
    started = time.monotonic()
    await loop.stop()
    assert cancelled.is_set() and time.monotonic() - started < 0.5


async def test_stop_cuts_a_backoff_short_and_the_loop_can_start_again():
    step = Script()
    step.failing = True
    loop = BackgroundLoop("test-restart", step, max_backoff=30, expected=(ConnectionError,))
    loop.start()
    await eventually(lambda: len(step.calls) >= 4, seconds=5.0)  # the next back-off is 0.8-1.6 s
    started = time.monotonic()
    await loop.stop()
    assert time.monotonic() - started < 0.5
    step.failing = False
    loop.start()
    await eventually(lambda: loop.failures == 0 and len(step.calls) >= 5)
    await loop.stop()


async def test_metrics_follow_the_loop():
    step, name = Script(), "test-metrics"
    failures, iterations = metric("background_loop_failures_total", name), metric(
        "background_loop_iterations_total", name
    )
    loop = BackgroundLoop(name, step, interval=0.01, expected=(ConnectionError,))
    loop.start()
    await eventually(lambda: metric("background_loop_running", name) == 1)
    await eventually(lambda: metric("background_loop_iterations_total", name) > iterations)
    step.failing = True
    await eventually(lambda: metric("background_loop_failures_total", name) > failures)
    await loop.stop()
    assert metric("background_loop_running", name) == 0
