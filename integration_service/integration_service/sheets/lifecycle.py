"""Build the Sheets adapter on start-up when a service account is configured."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis

from integration_service.config import Settings
from integration_service.logs.writer import CallLog
from integration_service.ratelimits.service import RateLimits
from integration_service.sheets.cache import ReadCache
from integration_service.sheets.client import build_client
from integration_service.sheets.gateway import SheetsGateway
from integration_service.sheets.limits import SheetsLimiter
from integration_service.sheets.service import Sheets
from shared.cache import Cache

log = logging.getLogger("sheets")


async def build(settings: Settings, redis: Redis, rate_limits: RateLimits,
                call_log: CallLog) -> Sheets | None:
    """The adapter, or None (every call answers 503) without a usable service account."""
    if not settings.google_service_account_file:
        return None
    try:
        client, account = await asyncio.to_thread(
            build_client, settings.google_service_account_file, settings.google_sheets_url,
            settings.outbound_timeout_seconds, call_log.record, asyncio.get_running_loop())
    except (OSError, ValueError, KeyError) as exc:
        log.error("google service account unusable; sheets calls will answer 503",
                  extra={"error": f"{type(exc).__name__}: {exc}"})
        return None
    limiter = SheetsLimiter(redis, account, settings.google_sheets_rate_limit_per_minute,
                            settings.google_sheets_max_wait_seconds, rate_limits,
                            settings.google_sheets_rate_window_seconds)
    gateway = SheetsGateway(client.http_client, account, limiter, settings.google_sheets_attempts,
                            settings.google_sheets_concurrency)
    cache = ReadCache(Cache(redis, settings.service_name), redis, settings.sheets_cache_ttl_seconds)
    return Sheets(gateway, cache)
