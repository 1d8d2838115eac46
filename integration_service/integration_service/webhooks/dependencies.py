"""The webhooks domain's per-app objects and their FastAPI dependencies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from integration_service.webhooks.configs import ConfigDirectory
from shared.crypto import SecretBox
from shared.ratelimit import RateLimiter


@dataclass
class WebhookRuntime:
    """Built at start-up: secrets box, insert pool, config directory, the receivers' rate limiter."""

    box: SecretBox
    pool: asyncpg.Pool
    directory: ConfigDirectory
    limiter: RateLimiter
    acquire_timeout: float = 5.0
    # Called after a new event is committed: the in-process worker sets it to its wake-up.
    wake: Callable[[], None] = field(default=lambda: None)


async def get_runtime(request: Request) -> WebhookRuntime:
    """The app's webhook runtime."""
    runtime: WebhookRuntime = request.app.state.webhooks
    return runtime


RuntimeDep = Annotated[WebhookRuntime, Depends(get_runtime)]
