"""Consume `stream:core` into the requests log (when workers run in this process)."""

from __future__ import annotations

import os
import socket

from fastapi import FastAPI

from integration_service.config import Settings
from integration_service.requests_log.service import RequestsLog
from shared.events import StreamConsumer


async def start(app: FastAPI) -> None:
    """`app.state.requests_log`, and its consumer group reader unless workers are off."""
    settings: Settings = app.state.settings
    app.state.requests_log = RequestsLog(app.state.sessionmaker, lambda: getattr(app.state, "sheets", None))
    app.state.requests_log_consumer = None
    if settings.run_worker and settings.run_requests_log:
        consumer = StreamConsumer(app.state.redis, settings.requests_log_stream, settings.requests_log_group,
                                  f"{socket.gethostname()}-{os.getpid()}", app.state.requests_log.handle)
        await consumer.start()
        app.state.requests_log_consumer = consumer


async def stop(app: FastAPI) -> None:
    """Stop reading; an entry being handled stays pending and is redelivered."""
    consumer: StreamConsumer | None = getattr(app.state, "requests_log_consumer", None)
    if consumer is not None:
        await consumer.stop()
