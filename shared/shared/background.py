"""One way to run a background loop: start, stop with a grace period, wake-up, back-off, metrics.

Usage::

    async def step() -> bool:          # one iteration; True = more work waiting, run again at once
        return await publish_batch() == BATCH

    loop = BackgroundLoop("outbox-relay", step, interval=1.0, expected=(RedisError, OSError))
    loop.start()                       # a task of the running event loop
    loop.wake()                        # cut the idle wait short (e.g. after committing new rows)
    await loop.stop()                  # let the current step finish for `grace` s, then cancel

Behaviour:

- After a step that returns True the next one runs at once (after yielding to the event loop).
  After a step that returns False the loop idles `interval` seconds or until `wake()` (or the
  `wake` event passed in, which others such as a `PgListener` may set); then, if woken, `linger`
  seconds more so that a few more arrivals join the next batch.
- A step that raises is a failure: the loop waits `backoff_delay(failures, max_backoff)` (only
  `stop()` cuts that wait short, a wake-up does not) and tries again; the first success resets
  the count. Exceptions of the `expected` types are logged as one warning line; any other one
  with its traceback. No exception ends the loop; cancellation does.
- Metrics, labelled by loop name: `background_loop_running` (1 while the task runs),
  `background_loop_failures_total` and `background_loop_iterations_total` (steps that succeeded).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable

from prometheus_client import Counter, Gauge

log = logging.getLogger("background")
Step = Callable[[], Awaitable[bool]]

LOOP_RUNNING = Gauge("background_loop_running", "1 while the background loop runs", ["loop"])
LOOP_FAILURES = Counter("background_loop_failures_total", "Background loop steps that raised", ["loop"])
LOOP_ITERATIONS = Counter(
    "background_loop_iterations_total", "Background loop steps that completed", ["loop"]
)


def backoff_delay(failures: int, max_backoff: float) -> float:
    """Seconds to wait after `failures` failures in a row: doubling from 0.2 s, capped, jittered."""
    return min(max_backoff, 0.1 * 2.0 ** min(failures, 32)) * random.uniform(0.5, 1.0)


async def wait_for_event(event: asyncio.Event, seconds: float) -> bool:
    """Wait until `event` is set or `seconds` pass; whether it was set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
    return event.is_set()


class BackgroundLoop:
    """Calls `step` over and over in one task until `stop()` (see the module docstring)."""

    def __init__(
        self,
        name: str,
        step: Step,
        *,
        interval: float = 1.0,
        max_backoff: float = 5.0,
        grace: float = 5.0,
        linger: float = 0.0,
        expected: tuple[type[Exception], ...] = (),
        wake: asyncio.Event | None = None,
    ) -> None:
        self.name, self.step, self.expected = name, step, expected
        self.interval, self.linger, self.grace, self.max_backoff = interval, linger, grace, max_backoff
        self.failures = 0
        self.wake_event = wake if wake is not None else asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether the loop's task is running."""
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        """Run the next step now instead of at the end of the idle wait."""
        self.wake_event.set()

    def start(self) -> None:
        """Start the loop's task (no-op while it runs)."""
        if self._task is not None:
            return
        self._stopping.clear()
        self.failures = 0
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self, grace: float | None = None) -> None:
        """Let the current step finish for `grace` seconds (default: the loop's), then cancel it."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        self.wake_event.set()
        await asyncio.wait([task], timeout=max(0.0, self.grace if grace is None else grace))
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        LOOP_RUNNING.labels(self.name).set(1)
        try:
            while not self._stopping.is_set():
                self.wake_event.clear()  # a wake-up during the step means: run again at once
                try:
                    busy = await self.step()
                except Exception as exc:  # no failure ends the loop: back off and try again
                    await self._back_off(exc)
                    continue
                self.failures = 0
                LOOP_ITERATIONS.labels(self.name).inc()
                if busy:
                    await asyncio.sleep(0)  # a step that never awaits must not starve the event loop
                else:
                    await self._idle()
        finally:
            LOOP_RUNNING.labels(self.name).set(0)

    async def _back_off(self, exc: Exception) -> None:
        self.failures += 1
        LOOP_FAILURES.labels(self.name).inc()
        delay = backoff_delay(self.failures, self.max_backoff)
        extra = {"loop": self.name, "error": repr(exc), "retry_in": round(delay, 2)}
        log.warning("background step failed, retrying", extra=extra,
                    exc_info=not isinstance(exc, self.expected))
        await wait_for_event(self._stopping, delay)  # a wake-up must not cut a back-off short

    async def _idle(self) -> None:
        if await wait_for_event(self.wake_event, self.interval) and self.linger > 0:
            await wait_for_event(self._stopping, self.linger)
