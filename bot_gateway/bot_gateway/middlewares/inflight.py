"""Counts updates being handled so shutdown can wait for them to finish."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class InFlight(BaseMiddleware):
    """An outer update middleware and a task set: `drain()` waits until both are empty."""

    def __init__(self) -> None:
        self.count = 0
        self.tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Track one update from start to end."""
        self.count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
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
