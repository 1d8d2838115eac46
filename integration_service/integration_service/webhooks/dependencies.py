"""The webhooks domain's per-app objects and their FastAPI dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from integration_service.webhooks.configs import ConfigDirectory
from shared.crypto import SecretBox
from shared.ratelimit import RateLimiter


@dataclass
class WebhookRuntime:
    """Built at start-up: the secrets box, the config directory and the receivers' rate limiter."""

    box: SecretBox
    directory: ConfigDirectory
    limiter: RateLimiter


def get_runtime(request: Request) -> WebhookRuntime:
    """The app's webhook runtime."""
    runtime: WebhookRuntime = request.app.state.webhooks
    return runtime


RuntimeDep = Annotated[WebhookRuntime, Depends(get_runtime)]
