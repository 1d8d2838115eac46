"""Start-up and shut-down hooks (outbound call recorder, workers), in order: the API's and the worker's."""

from __future__ import annotations

from fastapi import FastAPI

from integration_service import worker as webhook_worker
from integration_service.config import Settings
from integration_service.geocoding import lifecycle as geocoding
from integration_service.logs.context import bind_tenant_everywhere
from integration_service.logs.writer import CallLog
from integration_service.requests_log import lifecycle as requests_log
from integration_service.sheets import lifecycle as sheets
from integration_service.webhooks.lifecycle import start_webhooks, stop_webhooks
from shared.app import Hook
from shared.cache import Cache
from shared.crypto import SecretBox


async def start_core(app: FastAPI) -> None:
    """Secrets box, cache, rate limits and the call-log writer; none of them touches the network."""
    from integration_service.ratelimits.service import RateLimits

    settings: Settings = app.state.settings
    app.state.secret_box = SecretBox(settings.encryption_key)
    app.state.cache = Cache(app.state.redis, settings.service_name, default_ttl=settings.cache_ttl_seconds)
    app.state.rate_limits = RateLimits(app.state.redis, app.state.sessionmaker)
    app.state.call_log = CallLog(
        app.state.engine, batch_size=settings.call_log_batch_size,
        flush_seconds=settings.call_log_flush_seconds, max_queue=settings.call_log_queue_size,
    )
    app.state.call_log.start()
    bind_tenant_everywhere(app)


async def stop_core(app: FastAPI) -> None:
    """Write the call records still queued."""
    await app.state.call_log.stop()


# Hooks that build clients with `logs.clients.service_client` must come after `start_core`.
STARTUP: list[Hook] = [start_core, geocoding.start, sheets.start, requests_log.start, start_webhooks,
                       webhook_worker.start_worker]
SHUTDOWN: list[Hook] = [stop_core, geocoding.stop, sheets.stop, requests_log.stop, webhook_worker.stop_worker,
                        stop_webhooks]
# `python -m integration_service worker`: the same background work, without receivers or geocoding.
WORKER_STARTUP: list[Hook] = [webhook_worker.name_worker_logs, start_core, sheets.start, requests_log.start,
                              webhook_worker.start_worker]
WORKER_SHUTDOWN: list[Hook] = [stop_core, sheets.stop, requests_log.stop, webhook_worker.stop_worker]
