"""The announcement delivery worker: claims batches from Core, sends each message once, reports.

Exactly once, across restarts and replicas: Core leases claimed rows (FOR UPDATE SKIP LOCKED), and
each chat is claimed in Redis (`bot:announced:<tenant>:<announcement>:<chat>`, as the notifier
claims its messages) before it is sent and marked with the outcome after, BEFORE the outcome is
reported. A row claimed again after a restart or an expired lease whose chat is marked already is
reported from the mark and not sent again.

Notifications keep priority: both go through the same `PacedSender` (about 28/s overall, 1/s per
chat, `retry_after` honoured), and this worker enters it at most `rate` times a second (20 by
default), so the sender's queue never grows behind announcements and a notification waits at
most a slot.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramNotFound
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot_gateway.clients.core import AnnouncementClient
from bot_gateway.clients.errors import ApiError, BackendUnavailable
from bot_gateway.notifications.claims import SENT, SENT_TTL, Claims, DeliveryInProgress
from bot_gateway.notifications.progress import Progress
from bot_gateway.notifications.sender import PacedSender
from shared.background import BackgroundLoop
from shared.events import Envelope
from shared.logging import correlation_id

log = logging.getLogger("bot.notifications.announcements")
DELIVERED = Counter("bot_announcement_messages_total", "Announcement messages handled", ["outcome"])
BATCH = 50
STOP_GRACE = 10.0  # seconds a stopping worker lets the messages already being sent finish
REPORT_EVERY = 1.0  # seconds: outcomes of a batch still sending are reported this often
MARKS = {SENT: "sent", b"failed": "failed", b"blocked": "blocked"}
Result = dict[str, Any]


class Stopping(Exception):
    """The worker stops: a message not begun yet is left to a later claim."""


class Pace:
    """At most `rate` grants a second, evenly spaced (the worker's share of the sender)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return at this worker's next slot."""
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


class AnnouncementWorker:
    """A BackgroundLoop over claim → send → report; woken by `announcement.published`."""

    def __init__(
        self,
        bot: Bot,
        redis: Redis,
        client: AnnouncementClient,
        sender: PacedSender,
        progress: Progress,
        *,
        tenant: str,
        poll_seconds: float = 5.0,
        rate: float = 20.0,
        lease_seconds: int = 60,
        batch: int = BATCH,
        grace: float = 5.0,
    ) -> None:
        self.bot, self.redis, self.client, self.sender, self.progress = bot, redis, client, sender, progress
        self.tenant, self.lease_seconds, self.batch = tenant, lease_seconds, batch
        self.claims = Claims(redis)
        self.pace = Pace(rate)
        self.unreported: list[Result] = []
        self.stopping = False
        self.loop = BackgroundLoop(
            "announcement-delivery",
            self.step,
            interval=poll_seconds,
            grace=grace,
            expected=(BackendUnavailable, ApiError, RedisError, OSError),
        )

    def start(self) -> None:
        """Start the loop."""
        self.stopping = False
        self.loop.start()

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Send nothing new; let the messages being sent finish and be reported (for `grace` s)."""
        self.stopping = True
        await self.loop.stop(grace)

    async def on_event(self, envelope: Envelope) -> None:
        """`announcement.published` wakes the loop; `announcement.finished` shows the final figures."""
        if envelope.event_type == "announcement.published":
            self.loop.wake()
        elif envelope.event_type == "announcement.finished":
            await self.progress.finished(envelope.data)

    async def step(self) -> bool:
        """One batch: whether a full one came (more may be waiting)."""
        correlation_id.set(f"announce-{secrets.token_hex(6)}")  # one id in the logs and Core per batch
        await self.flush(strict=True)  # outcomes a failed report left behind go first
        rows = await self.client.claim(self.batch, self.lease_seconds)
        if not rows:
            return False
        tasks = [asyncio.create_task(self.deliver(row)) for row in rows]
        try:
            pending: set[asyncio.Task[Result | None]] = set(tasks)
            while pending:
                done, pending = await asyncio.wait(pending, timeout=REPORT_EVERY)
                self.unreported += [r for r in (task.result() for task in done) if r is not None]
                await self.flush(strict=False)
        finally:
            for task in tasks:
                task.cancel()  # stopped past the grace: unsent rows wait for their lease to expire
        await self.flush(strict=True)
        return len(rows) >= self.batch

    async def flush(self, *, strict: bool) -> None:
        """Report the outcomes not reported yet (kept for the next try when Core is unreachable)."""
        if not self.unreported:
            return
        batch, self.unreported = self.unreported, []
        try:
            await self.client.report(
                [{"recipient_id": r["recipient_id"], "outcome": r["outcome"]} for r in batch]
            )
        except (BackendUnavailable, ApiError):
            self.unreported = batch + self.unreported
            if strict:
                raise
            return
        await self.progress.counted([(int(r["announcement_id"]), str(r["outcome"])) for r in batch])

    async def deliver(self, row: Result) -> Result | None:
        """Send one row unless its chat is marked; its outcome, or None to leave it to a later claim."""
        chat = int(row["telegram_id"])
        key = f"bot:announced:{self.tenant}:{row['announcement_id']}:{chat}"
        try:
            marked = await self.redis.get(key)
            if marked in MARKS:
                return _result(row, MARKS[marked])  # sent (or refused) before a restart: report, don't resend
            async with self.claims.claim(key) as ours:
                outcome = await self._send(chat, row) if ours else "sent"
            if outcome != "sent":
                await self.redis.set(key, outcome.encode(), ex=SENT_TTL)
        except DeliveryInProgress:
            return None  # another replica is sending it right now
        except Stopping:
            return None
        except Exception as exc:  # Telegram or Redis unreachable: the row's lease expires and it comes back
            log.warning("announcement message not sent", extra={"chat_id": chat, "error": repr(exc)})
            return None
        DELIVERED.labels(outcome).inc()
        return _result(row, outcome)

    async def _send(self, chat: int, row: Result) -> str:
        text, photo = str(row["text"]), row.get("photo_file_id")
        await self.pace.wait()
        if self.stopping:
            raise Stopping  # not begun: the row waits for its lease to expire, then another worker
        try:
            if photo and await self._photo(
                chat, lambda: self.bot.send_photo(chat, photo, caption=text, parse_mode=None)
            ):
                return "sent"
            await self.sender.send(chat, lambda: self.bot.send_message(chat, text, parse_mode=None))
        except TelegramForbiddenError as exc:
            return "blocked" if "blocked" in str(exc) else "failed"
        except (TelegramBadRequest, TelegramNotFound) as exc:
            log.info("announcement not deliverable", extra={"chat_id": chat, "error": str(exc)})
            return "failed"
        return "sent"

    async def _photo(self, chat: int, call: Callable[[], Awaitable[Any]]) -> bool:
        try:
            await self.sender.send(chat, call)
        except TelegramBadRequest as exc:  # an unusable photo must not cost the resident the text
            log.info("announcement photo not sent", extra={"chat_id": chat, "error": str(exc)})
            return False
        return True


def _result(row: Result, outcome: str) -> Result:
    return {
        "recipient_id": row["recipient_id"],
        "announcement_id": row["announcement_id"],
        "outcome": outcome,
    }
