"""Coalescer: concurrent callers share a flush, each gets its own answer, none is lost."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars

import pytest

from shared.batching import Coalescer, Overloaded


class Doubler:
    """A flush that doubles numbers, records its batches, and can be held open."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        await self.gate.wait()
        return [ValueError(f"bad {i}") if i < 0 else i * 2 for i in items]


async def test_concurrent_callers_share_one_flush_and_get_their_own_answers() -> None:
    flush = Doubler()
    batcher: Coalescer[int, int] = Coalescer(flush)
    answers = await asyncio.gather(*(batcher.submit(i) for i in range(50)))
    assert answers == [i * 2 for i in range(50)]
    assert flush.batches == [list(range(50))]


async def test_an_exception_answers_only_its_own_caller() -> None:
    batcher: Coalescer[int, int] = Coalescer(Doubler())
    submits = (batcher.submit(1), batcher.submit(-1), batcher.submit(3))
    results = await asyncio.gather(*submits, return_exceptions=True)
    assert results[0] == 2 and results[2] == 6
    assert isinstance(results[1], ValueError) and str(results[1]) == "bad -1"


async def test_a_failed_flush_fails_that_batch_and_the_next_batch_works() -> None:
    calls = 0

    async def flaky(items: list[int]) -> list[int | BaseException]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("down")
        return list(items)

    batcher: Coalescer[int, int] = Coalescer(flaky)
    first = await asyncio.gather(batcher.submit(1), batcher.submit(2), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in first)
    assert await batcher.submit(7) == 7


async def test_callers_arriving_during_a_flush_go_in_the_next_batch() -> None:
    flush = Doubler()
    flush.gate.clear()
    batcher: Coalescer[int, int] = Coalescer(flush, max_batch=3)
    first = asyncio.gather(*(batcher.submit(i) for i in range(2)))
    await asyncio.sleep(0.01)
    later = asyncio.gather(*(batcher.submit(i) for i in range(10, 15)))
    await asyncio.sleep(0.01)
    flush.gate.set()
    assert await first == [0, 2]
    assert await later == [20, 22, 24, 26, 28]
    assert flush.batches == [[0, 1], [10, 11, 12], [13, 14]]


async def test_a_caller_arriving_just_after_the_drainer_stopped_is_answered() -> None:
    batcher: Coalescer[int, int] = Coalescer(Doubler())
    for i in range(200):
        # Each submit lands at a different point of the previous drainer's exit.
        assert await asyncio.wait_for(batcher.submit(i), 1) == i * 2
        if i % 3 == 0:
            await asyncio.sleep(0)


async def test_a_cancelled_caller_is_left_out_of_the_flush() -> None:
    flush = Doubler()
    batcher: Coalescer[int, int] = Coalescer(flush)
    gone = asyncio.ensure_future(batcher.submit(1))
    kept = asyncio.ensure_future(batcher.submit(2))
    gone.cancel()
    assert await kept == 4
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert flush.batches == [[2]]


async def test_callers_within_the_linger_join_the_first_batch() -> None:
    flush = Doubler()
    batcher: Coalescer[int, int] = Coalescer(flush, linger=0.05)

    async def later(i: int, delay: float) -> int:
        await asyncio.sleep(delay)
        return await batcher.submit(i)

    assert list(await asyncio.gather(later(1, 0), later(2, 0.01), later(3, 0.02))) == [2, 4, 6]
    assert flush.batches == [[1, 2, 3]]


async def test_more_waiting_callers_than_allowed_are_refused_at_once() -> None:
    flush = Doubler()
    flush.gate.clear()
    batcher: Coalescer[int, int] = Coalescer(flush, max_pending=2)
    waiting = [asyncio.ensure_future(batcher.submit(i)) for i in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(Overloaded):
        await batcher.submit(99)
    flush.gate.set()
    assert await asyncio.gather(*waiting) == [0, 2]


async def test_each_caller_gets_its_own_copy_of_a_shared_failure() -> None:
    async def down(items: list[int]) -> list[int | BaseException]:
        raise ConnectionError("database down")

    batcher: Coalescer[int, int] = Coalescer(down)
    errors = await asyncio.gather(batcher.submit(1), batcher.submit(2), return_exceptions=True)
    assert all(isinstance(e, ConnectionError) and str(e) == "database down" for e in errors)
    assert errors[0] is not errors[1]


async def test_the_flush_does_not_run_in_the_first_callers_context() -> None:
    request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="none")
    seen: list[str] = []

    async def flush(items: list[int]) -> list[int | BaseException]:
        seen.append(request_id.get())
        return list(items)

    batcher: Coalescer[int, int] = Coalescer(flush)
    request_id.set("first-request")
    assert await batcher.submit(1) == 1
    assert seen == ["none"]


async def test_callers_waiting_on_a_cancelled_drainer_are_cancelled_not_left_hanging() -> None:
    batcher: Coalescer[int, int] = Coalescer(Doubler(), linger=10)
    waiting = asyncio.ensure_future(batcher.submit(1))
    await asyncio.sleep(0.01)
    for task in list(batcher._tasks):
        task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(waiting, 1)
    batcher.linger = 0
    assert await asyncio.wait_for(batcher.submit(2), 1) == 4


def test_a_coalescer_keeps_working_when_used_from_a_new_event_loop() -> None:
    async def first_loop(batcher: Coalescer[int, int]) -> None:
        never = asyncio.Event()

        async def stuck(items: list[int]) -> list[int | BaseException]:
            await never.wait()
            return list(items)

        batcher._flush = stuck
        caller = asyncio.ensure_future(batcher.submit(1))
        await asyncio.sleep(0.01)  # the loop ends with its drainer stuck in the flush
        assert not caller.done()

    async def second_loop(batcher: Coalescer[int, int]) -> int:
        batcher._flush = Doubler()
        return await asyncio.wait_for(batcher.submit(21), 1)

    batcher: Coalescer[int, int] = Coalescer(Doubler())
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        loop = asyncio.new_event_loop()
        pool.submit(loop.run_until_complete, first_loop(batcher)).result()
        pool.submit(loop.close).result()
        assert pool.submit(asyncio.run, second_loop(batcher)).result() == 42
