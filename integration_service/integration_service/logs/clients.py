"""Outbound HTTP clients whose every call is written to `integration_logs`."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from shared.http import ServiceClient


def service_client(
    app: FastAPI, service: str, base_url: str, *, token: str | None = None,
    timeout: float | None = None, attempts: int = 3,
    transport: httpx.AsyncBaseTransport | None = None, **options: Any,
) -> ServiceClient:
    """A ServiceClient for `service` recording each call through `app.state.call_log`.

    Build it in a startup hook (after the core hook) and close it with `aclose()` on shutdown.
    The tenant logged is the one bound by `CallTenantDep` / `use_tenant`.
    """
    settings = app.state.settings
    return ServiceClient(
        service, base_url, token=token,
        timeout=timeout if timeout is not None else settings.outbound_timeout_seconds,
        attempts=attempts, recorder=app.state.call_log.record, transport=transport, **options,
    )
