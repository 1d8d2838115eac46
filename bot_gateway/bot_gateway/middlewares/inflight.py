"""Counts updates being handled so shutdown can wait for them to finish, and times each whole."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from prometheus_client import Histogram

from bot_gateway.metrics import LATENCY_BUCKETS

# From the dispatcher taking the update to its end: the chat's lock with its reads, every middleware
# and the handler; `bot_update_duration_seconds` is the part from the logging middleware on.
DISPATCHED = Histogram(
    "bot_update_dispatch_seconds", "Time from the dispatcher taking an update to its end, lock included",
    ["event_type"], buckets=LATENCY_BUCKETS,
)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class InFlight(BaseMiddleware):
    """The outermost update middleware and a task set: `drain()` waits until both are empty (an
    update waiting for its chat's lock included)."""

    def __init__(self) -> None:
        self.count = 0
        self.tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Track and time one update from start to end."""
        self.count += 1
        self._idle.clear()
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            kind = event.event_type if isinstance(event, Update) else type(event).__name__.lower()
            DISPATCHED.labels(kind).observe(time.perf_counter() - started)
            self.count -= 1
            if self.count == 0:
                self._idle.set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `coro` in the background, tracked until it finishes."""
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def drain(self, grace: float, extra: set[asyncio.Task[Any]] | None = None) -> bool:
        """Wait up to `grace` s for every update in flight; whether all finished."""
        pending = {*self.tasks, *(extra or set())}
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                if pending:
                    await asyncio.wait(pending)
                await self._idle.wait()
                return True
        return False
