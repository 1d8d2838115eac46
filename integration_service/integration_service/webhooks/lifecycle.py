"""Start-up and shut-down of the webhooks domain: secrets box, insert pool, configs, rate limiter."""

from __future__ import annotations

from fastapi import FastAPI

from integration_service.webhooks.configs import ConfigDirectory
from integration_service.webhooks.dependencies import BATCH_LINGER_SECONDS, WebhookRuntime
from integration_service.webhooks.store import create_pool
from shared.crypto import SecretBox
from shared.ratelimit import RateLimiter

# Enough for one process at full speed (each insert holds a connection ~1 ms).
RECEIVER_POOL_SIZE = 10


async def start_webhooks(app: FastAPI) -> None:
    """Build the receivers' runtime (no connection is opened yet)."""
    settings = app.state.settings
    box = SecretBox(settings.encryption_key)
    app.state.webhooks = WebhookRuntime(
        box=box,
        pool=await create_pool(app.state.engine, RECEIVER_POOL_SIZE, settings.db_connect_timeout_seconds),
        directory=ConfigDirectory(app.state.sessionmaker, box),
        limiter=RateLimiter(app.state.redis, "webhooks", fail_open=True, linger=BATCH_LINGER_SECONDS),
        acquire_timeout=settings.db_pool_timeout_seconds,
    )


async def stop_webhooks(app: FastAPI) -> None:
    """Close the receivers' pool."""
    runtime = getattr(app.state, "webhooks", None)
    if runtime is not None:
        await runtime.pool.close()
