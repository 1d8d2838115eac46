"""Start-up of the webhooks domain: secrets box, config directory, rate limiter."""

from __future__ import annotations

from fastapi import FastAPI

from integration_service.webhooks.configs import ConfigDirectory
from integration_service.webhooks.dependencies import WebhookRuntime
from shared.crypto import SecretBox
from shared.ratelimit import RateLimiter


async def start_webhooks(app: FastAPI) -> None:
    """Build the receivers' runtime (no network calls)."""
    box = SecretBox(app.state.settings.encryption_key)
    app.state.webhooks = WebhookRuntime(
        box=box,
        directory=ConfigDirectory(app.state.sessionmaker, box),
        limiter=RateLimiter(app.state.redis, "webhooks", fail_open=True),
    )
