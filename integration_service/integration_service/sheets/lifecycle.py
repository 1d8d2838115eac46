"""Build the Sheets adapter on start-up when a service account is configured."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from integration_service.config import Settings
from integration_service.geocoding.outbound import call_recorder
from integration_service.sheets.cache import ReadCache
from integration_service.sheets.client import build_client
from integration_service.sheets.gateway import SheetsGateway
from integration_service.sheets.limits import SheetsLimiter
from integration_service.sheets.service import Sheets
from shared.cache import Cache

log = logging.getLogger("sheets")


async def start(app: FastAPI) -> None:
    """`app.state.sheets`: the adapter, or None (every call answers 503) without a service account."""
    settings: Settings = app.state.settings
    app.state.sheets = None
    if not settings.google_service_account_file:
        return
    try:
        client, account = await asyncio.to_thread(
            build_client, settings.google_service_account_file, settings.google_sheets_url,
            settings.outbound_timeout_seconds, call_recorder(app), asyncio.get_running_loop())
    except (OSError, ValueError, KeyError) as exc:
        log.error("google service account unusable; sheets calls will answer 503",
                  extra={"error": f"{type(exc).__name__}: {exc}"})
        return
    limiter = SheetsLimiter(app.state.redis, account, settings.google_sheets_rate_limit_per_minute,
                            settings.google_sheets_max_wait_seconds, getattr(app.state, "rate_limits", None),
                            settings.google_sheets_rate_window_seconds)
    gateway = SheetsGateway(client.http_client, account, limiter, settings.google_sheets_attempts,
                            settings.google_sheets_concurrency)
    cache = ReadCache(Cache(app.state.redis, settings.service_name), app.state.redis,
                      settings.sheets_cache_ttl_seconds)
    app.state.sheets = Sheets(gateway, cache)


async def stop(app: FastAPI) -> None:
    """Close gspread's HTTP session."""
    sheets: Sheets | None = getattr(app.state, "sheets", None)
    if sheets is not None:
        await asyncio.to_thread(sheets.gateway.close)
