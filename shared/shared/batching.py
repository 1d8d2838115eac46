"""Coalescing concurrent awaits into batches: one round trip answers every caller waiting at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
# A batch's answers, one per item, in order; an exception answers (raises for) that caller only.
Flush = Callable[[list[T]], Awaitable[list[R | BaseException]]]


class Coalescer(Generic[T, R]):
    """`await submit(item)` joins the next batch; `flush(items)` answers the whole batch.

    Callers that arrive while a batch is in flight wait for the next one, so under load the
    batches grow by themselves (as group commit does) and a lone caller pays one round trip.
    At most `concurrency` batches are in flight. `linger` holds a new batch open that long, trading
    a little latency for fewer, larger batches when callers arrive one by one.
    """

    def __init__(
        self, flush: Flush[T, R], *, max_batch: int = 256, concurrency: int = 1, linger: float = 0.0
    ) -> None:
        self._flush = flush
        self.linger = linger
        self.max_batch = max_batch
        self.concurrency = concurrency
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._tasks: set[asyncio.Task[None]] = set()  # strong references while they run
        self._draining = 0

    async def submit(self, item: T) -> R:
        """The answer for `item` (or its exception)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._draining < self.concurrency:
            # Counted here and uncounted by the drainer itself the moment it finds nothing to do,
            # so no item can arrive between "the last drainer stopped" and "it is counted out".
            self._draining += 1
            task = asyncio.create_task(self._drain())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self) -> None:
        try:
            # Let the callers of this loop iteration (and of the next `linger` seconds) join.
            await asyncio.sleep(self.linger)
            while self._pending:
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                live = [(item, future) for item, future in batch if not future.done()]
                if live:
                    await self._answer(live)
        finally:
            self._draining -= 1

    async def _answer(self, live: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._flush([item for item, _ in live])
            if len(results) != len(live):
                raise RuntimeError(f"flush answered {len(results)} of {len(live)} items")
        except asyncio.CancelledError:
            for _, future in live:
                future.cancel()
            raise
        except Exception as exc:  # every waiting caller gets it; the drainer goes on
            results = [exc] * len(live)
        for (_, future), result in zip(live, results, strict=True):
            if future.done():
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
