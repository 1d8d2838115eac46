"""A paced sender: about 1 message/s per chat and 30/s overall, honouring Telegram's `retry_after`."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram.exceptions import TelegramRetryAfter
from prometheus_client import Counter

log = logging.getLogger("bot.notifications.sender")
T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
Wanted = Callable[[], Awaitable[bool]]
SENT = Counter("bot_notifications_sent_total", "Notification messages sent", ["outcome"])


class Withdrawn(Exception):
    """The message was no longer wanted when its chat's turn came; nothing was sent."""


class PacedSender:
    """Serialises sends per chat, spaces them `per_chat_interval` apart and keeps under `global_rate`/s.

    The defaults sit a little under Telegram's limits (1/s per chat, 30/s per bot), so network
    jitter that bunches two sends together still stays inside them.
    """

    def __init__(
        self,
        *,
        per_chat_interval: float = 1.05,
        global_rate: float = 28.0,
        max_attempts: int = 5,
        max_retry_after: float = 120.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.per_chat_interval = per_chat_interval
        self.global_interval = 1.0 / global_rate
        self.max_attempts = max_attempts
        self.max_retry_after = max_retry_after
        self.clock = clock
        self.sleep = sleep
        self._chat_next: dict[int, float] = {}
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._last_grant = float("-inf")
        self._global_lock = asyncio.Lock()

    async def send(
        self, chat_id: int, call: Callable[[], Awaitable[T]], *, wanted: Wanted | None = None
    ) -> T:
        """Run `call` (one Bot API request to `chat_id`) when both limits allow; retried after 429s.

        `wanted`, asked when the chat's turn has come, may withdraw the message (`Withdrawn`): the
        turn then passes to the chat's next message at once, as if this one had never queued.
        """
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            for attempt in range(1, self.max_attempts + 1):
                await self._wait_chat(chat_id)
                if wanted is not None and not await wanted():
                    SENT.labels("withdrawn").inc()
                    raise Withdrawn
                await self._wait_global()
                try:
                    result = await call()
                except TelegramRetryAfter as exc:
                    wait = min(float(exc.retry_after), self.max_retry_after)
                    log.warning(
                        "telegram asked to slow down", extra={"chat_id": chat_id, "retry_after": wait}
                    )
                    self._chat_next[chat_id] = self.clock() + wait
                    SENT.labels("retry_after").inc()
                    if attempt == self.max_attempts:
                        raise
                    continue
                finally:
                    self._chat_next[chat_id] = max(
                        self._chat_next.get(chat_id, 0.0), self.clock() + self.per_chat_interval
                    )
                SENT.labels("sent").inc()
                return result
        raise AssertionError("unreachable")

    async def _wait_chat(self, chat_id: int) -> None:
        delay = self._chat_next.get(chat_id, 0.0) - self.clock()
        if delay > 0:
            await self.sleep(delay)

    async def _wait_global(self) -> None:
        # FIFO (asyncio.Lock is fair): each grant is at least `global_interval` after the previous
        # one by the clock, however late a waiter wakes, so sends never bunch up past the limit.
        async with self._global_lock:
            delay = self._last_grant + self.global_interval - self.clock()
            if delay > 0:
                await self.sleep(delay)
            self._last_grant = self.clock()

    def forget_idle(self, older_than: float = 60.0) -> None:
        """Drop per-chat bookkeeping of chats quiet for a while (bounded memory)."""
        cutoff = self.clock() - older_than
        for chat_id in [c for c, t in self._chat_next.items() if t < cutoff]:
            lock = self._chat_locks.get(chat_id)
            if lock is None or not lock.locked():
                self._chat_next.pop(chat_id, None)
                self._chat_locks.pop(chat_id, None)
