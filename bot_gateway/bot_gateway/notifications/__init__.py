"""Notifications: a consumer group on `stream:core` and `stream:integration`, a paced sender.

`run(runtime)` is started as one task in the bot's lifespan and stopped by cancelling it.
"""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

from bot_gateway.notifications.notifier import Notifier
from bot_gateway.notifications.sender import PacedSender
from shared.events import StreamConsumer

STREAMS = ("stream:core", "stream:integration")

__all__ = ["STREAMS", "Notifier", "PacedSender", "consumers", "group", "run"]


def group(tenant: str) -> str:
    """The consumer group of one tenant's bot: each tenant's bot reads every entry itself."""
    return f"bot-notifier:{tenant}"


def consumers(notifier: Notifier, redis: Any, *, block_ms: int = 1000) -> list[StreamConsumer]:
    """One consumer of the tenant's group per stream, named after this host and process."""
    name = f"bot-{socket.gethostname()}-{os.getpid()}"
    return [
        StreamConsumer(
            redis, stream, group(notifier.tenant), name, notifier.handle, block_ms=block_ms, start_id="$"
        )
        for stream in STREAMS
    ]


async def run(runtime: Any) -> None:
    """Consume until cancelled (nothing when BOT_FEATURE_NOTIFICATIONS is off)."""
    if not runtime.settings.feature_notifications:
        return
    notifier = Notifier(
        runtime.bot, runtime.services.redis, runtime.services.clients.users, PacedSender(),
        tenant=runtime.settings.tenant_id,
    )
    running = consumers(notifier, runtime.services.redis)
    for consumer in running:
        await consumer.start()
    try:
        await asyncio.Event().wait()
    finally:
        for consumer in running:
            await consumer.stop()
