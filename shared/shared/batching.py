"""Coalescing concurrent awaits into batches: one round trip answers every caller waiting at once."""

from __future__ import annotations

import asyncio
import contextvars
import copy
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
# A batch's answers, one per item, in order; an exception answers (raises for) that caller only.
Flush = Callable[[list[T]], Awaitable[list[R | BaseException]]]


class Overloaded(Exception):
    """More callers are waiting than the coalescer accepts: the dependency is not keeping up."""


class Coalescer(Generic[T, R]):
    """`await submit(item)` joins the next batch; `flush(items)` answers the whole batch.

    Callers that arrive while a batch is in flight wait for the next one, so under load the
    batches grow by themselves (as group commit does) and a lone caller pays one round trip.
    At most `concurrency` batches are in flight. `linger` holds a new batch open that long, trading
    a little latency for fewer, larger batches when callers arrive one by one. At most
    `max_pending` callers wait; more are refused with `Overloaded` at once.
    """

    def __init__(
        self, flush: Flush[T, R], *, max_batch: int = 256, concurrency: int = 1, linger: float = 0.0,
        max_pending: int = 10_000,
    ) -> None:
        self._flush, self.linger, self.max_batch = flush, linger, max_batch
        self.concurrency, self.max_pending = concurrency, max_pending
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._tasks: set[asyncio.Task[None]] = set()  # strong references while they run
        self._draining = 0
        self._collecting = False  # a drainer is lingering: new callers join its batch
        self._loop: asyncio.AbstractEventLoop | None = None

    async def submit(self, item: T) -> R:
        """The answer for `item` (or its exception).

        A caller that stops waiting (cancelled, or under `asyncio.timeout`) is left out of its batch.
        """
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._adopt(loop)
        if len(self._pending) >= self.max_pending:
            raise Overloaded(f"{len(self._pending)} callers already waiting")
        future: asyncio.Future[R] = loop.create_future()
        self._pending.append((item, future))
        if not self._collecting and self._draining < self.concurrency:
            # Counted here and uncounted by the drainer itself the moment it finds nothing to do,
            # so no item can arrive between "the last drainer stopped" and "it is counted out".
            self._draining += 1
            self._collecting = True
            # A fresh context: the flush must not run (and log) as the first caller's request.
            task = loop.create_task(self._drain(), context=contextvars.Context())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    def _adopt(self, loop: asyncio.AbstractEventLoop) -> None:
        # Futures and drainers of another (stopped) loop can never run again: start afresh.
        for _, future in self._pending:
            if not future.done() and not future.get_loop().is_closed():
                future.get_loop().call_soon_threadsafe(future.cancel)
        self._pending, self._tasks, self._draining, self._collecting = [], set(), 0, False
        self._loop = loop

    async def _drain(self) -> None:
        try:
            # Let the callers of this loop iteration (and of the next `linger` seconds) join.
            await asyncio.sleep(self.linger)
            self._collecting = False
            while self._pending:
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
                live = [(item, future) for item, future in batch if not future.done()]
                if live:
                    await self._answer(live)
        except asyncio.CancelledError:
            self._collecting = False
            if self._draining == 1:  # the last drainer: nobody else would answer the rest
                for _, future in self._pending:
                    future.cancel()
                self._pending.clear()
            raise
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
                future.set_exception(_own_copy(result))
            else:
                future.set_result(result)


def _own_copy(exc: BaseException) -> BaseException:
    """A copy of `exc` for one caller: a shared exception would collect every caller's traceback."""
    try:
        clone = copy.copy(exc)
    except Exception:  # an exception type that cannot be copied: share it
        return exc
    clone.__cause__, clone.__context__ = exc.__cause__, exc.__context__
    return clone
