"""The paced sender: about 1 message/s per chat, 30/s overall, `retry_after` honoured."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot_gateway.notifications.sender import PacedSender, Withdrawn


class FakeClock:
    """Virtual time: `sleep` parks the caller until `run` advances the clock to its wake-up."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self.seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiters, (self.now + max(delay, 0.0), next(self.seq), future))
        await future

    async def run(self, work: Awaitable[Any]) -> Any:
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(50):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self.waiters and not task.done():
                wake, _, future = heapq.heappop(self.waiters)
                self.now = max(self.now, wake)
                future.set_result(None)
        return task.result()


def max_in_window(times: list[float], window: float) -> int:
    """The most events inside any `window`-long interval."""
    times, best, start = sorted(times), 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window - 1e-9:
            start += 1
        best = max(best, end - start + 1)
    return best


def recorder(clock: Callable[[], float], log: dict[int, list[float]]) -> Callable[[int], Callable[[], Any]]:
    def call_for(chat: int) -> Callable[[], Any]:
        async def call() -> int:
            log[chat].append(clock())
            return chat

        return call

    return call_for


async def test_a_burst_of_200_to_distinct_chats_keeps_under_30_per_second() -> None:
    clock, log = FakeClock(), defaultdict[int, list[float]](list)
    sender = PacedSender(clock=clock, sleep=clock.sleep)
    call = recorder(clock, log)
    await clock.run(asyncio.gather(*(sender.send(chat, call(chat)) for chat in range(200))))
    times = [moment for sends in log.values() for moment in sends]
    assert len(times) == 200
    assert max_in_window(times, 1.0) <= 28  # under Telegram's 30/s, with a margin for jitter
    assert 7.0 <= max(times) <= 7.5  # 200 at 28/s: paced, not slower than needed


async def test_a_burst_of_200_to_five_chats_keeps_one_per_second_per_chat() -> None:
    clock, log = FakeClock(), defaultdict[int, list[float]](list)
    sender = PacedSender(clock=clock, sleep=clock.sleep)
    call = recorder(clock, log)
    await clock.run(asyncio.gather(*(sender.send(n % 5, call(n % 5)) for n in range(200))))
    for sends in log.values():
        assert len(sends) == 40
        assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(sends))
    times = [moment for sends in log.values() for moment in sends]
    assert max_in_window(times, 1.0) <= 5
    assert max(times) <= 42.0


async def test_retry_after_is_waited_out_then_the_message_goes_once() -> None:
    clock, attempts = FakeClock(), []

    async def call() -> str:
        attempts.append(clock())
        if len(attempts) == 1:
            raise TelegramRetryAfter(SendMessage(chat_id=7, text="x"), "Too Many Requests", retry_after=3)
        return "sent"

    sender = PacedSender(clock=clock, sleep=clock.sleep)
    assert await clock.run(sender.send(7, call)) == "sent"
    assert len(attempts) == 2 and attempts[1] - attempts[0] >= 3.0


async def test_a_message_withdrawn_at_its_turn_gives_the_turn_to_the_next_at_once() -> None:
    clock, log = FakeClock(), defaultdict[int, list[float]](list)
    sender = PacedSender(clock=clock, sleep=clock.sleep)
    call = recorder(clock, log)

    async def no() -> bool:
        return False

    async def three() -> tuple[Any, ...]:
        return await asyncio.gather(sender.send(7, call(7)), sender.send(7, call(7), wanted=no),
                                    sender.send(7, call(7)), return_exceptions=True)

    first, second, third = await clock.run(three())
    assert (first, third) == (7, 7) and isinstance(second, Withdrawn)
    assert log[7] == [0.0, 1.05]  # the third went at the second's turn


async def test_real_timing_at_a_smaller_scale_holds_both_rates() -> None:
    # 20 messages/s per chat and 100/s overall, 200 messages to 8 chats, on the real clock.
    log: dict[int, list[float]] = defaultdict(list)
    sender = PacedSender(per_chat_interval=0.05, global_rate=100)
    call = recorder(time.monotonic, log)
    started = time.monotonic()
    await asyncio.gather(*(sender.send(n % 8, call(n % 8)) for n in range(200)))
    elapsed = time.monotonic() - started
    times = [moment for sends in log.values() for moment in sends]
    assert 1.9 <= elapsed <= 10.0  # paced (lower bound); the upper one only guards against stalls
    assert max_in_window(times, 0.5) <= 51
    for sends in log.values():
        assert all(b - a >= 0.045 for a, b in itertools.pairwise(sends))
