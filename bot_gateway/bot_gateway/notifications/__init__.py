"""Notifications: a consumer group on `stream:core` and `stream:integration`, a paced sender.

`run(runtime)` is started as one task in the bot's lifespan and stopped by cancelling it.
"""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

from bot_gateway.notifications.announcements import AnnouncementWorker
from bot_gateway.notifications.notifier import Notifier
from bot_gateway.notifications.progress import Progress
from bot_gateway.notifications.sender import PacedSender
from shared.events import Envelope, StreamConsumer

STREAMS = ("stream:core", "stream:integration")

__all__ = ["STREAMS", "AnnouncementWorker", "Notifier", "PacedSender", "announcement_worker", "consumers",
           "group", "run", "subject"]


def group(tenant: str) -> str:
    """The consumer group of one tenant's bot: each tenant's bot reads every entry itself."""
    return f"bot-notifier:{tenant}"


def subject(envelope: Envelope) -> str:
    """What an event is about: one request's events (or one person's) are told in order, and a
    manager's chat paced at Telegram's one message a second does not hold back anyone else's."""
    data = envelope.data
    if data.get("number") is not None:
        return f"request:{data['number']}"
    if data.get("user_id") is not None:
        return f"user:{data['user_id']}"
    return ""


def consumers(notifier: Notifier, redis: Any, *, block_ms: int = 1000) -> list[StreamConsumer]:
    """One consumer of the tenant's group per stream, named after this host and process."""
    name = f"bot-{socket.gethostname()}-{os.getpid()}"
    return [
        StreamConsumer(
            redis, stream, group(notifier.tenant), name, notifier.handle, block_ms=block_ms, start_id="$",
            lane=subject, on_read=notifier.noticed,
        )
        for stream in STREAMS
    ]


async def run(runtime: Any) -> None:
    """Consume until cancelled (nothing when BOT_FEATURE_NOTIFICATIONS is off); deliver announcements
    too unless BOT_FEATURE_ANNOUNCEMENTS is off."""
    if not runtime.settings.feature_notifications:
        return
    sender = PacedSender()  # one sender for both: announcements pace behind notifications
    worker = announcement_worker(runtime, sender)
    notifier = Notifier(
        runtime.bot, runtime.services.redis, runtime.services.clients.users, sender,
        tenant=runtime.settings.tenant_id, sessions=runtime.services.sessions.store,
        on_announcement=worker.on_event,
    )
    running = consumers(notifier, runtime.services.redis)
    for consumer in running:
        await consumer.start()
    if runtime.settings.feature_announcements:
        worker.start()
    try:
        await asyncio.Event().wait()
    finally:
        await worker.stop()
        for consumer in running:
            await consumer.stop()


def announcement_worker(runtime: Any, sender: PacedSender) -> AnnouncementWorker:
    """The delivery worker of announcements, sharing the notifier's sender."""
    settings, redis = runtime.settings, runtime.services.redis
    progress = Progress(runtime.bot, redis, sender, tenant=settings.tenant_id)
    return AnnouncementWorker(
        runtime.bot, redis, runtime.services.clients.announcements, sender, progress,
        tenant=settings.tenant_id, poll_seconds=settings.announcement_poll_seconds,
        rate=settings.announcement_rate_per_second, lease_seconds=settings.announcement_lease_seconds,
    )
