"""Public webhook receivers: Stripe, Google Sheets (Drive push), Yandex Maps, generic HMAC senders."""

from __future__ import annotations

import logging
import re
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

from integration_service.webhooks import intake, metrics
from integration_service.webhooks.configs import ActiveConfig
from integration_service.webhooks.dependencies import WebhookRuntime
from integration_service.webhooks.intake import Rejected
from integration_service.webhooks.sources import GOOGLE_SHEETS, STRIPE, YANDEX_MAPS
from integration_service.webhooks.store import DATABASE_ERRORS
from shared.errors import unavailable
from shared.security import validate_tenant

log = logging.getLogger("webhooks.receivers")
router = APIRouter(prefix="/api/v1/webhooks", tags=["webhook receivers"])
SOURCE_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# The receivers with a fixed source, by path (the generic one takes it from the path).
FIXED_SOURCES = {
    "/api/v1/webhooks/stripe": STRIPE,
    "/api/v1/webhooks/google/sheets": GOOGLE_SHEETS,
    "/api/v1/webhooks/yandex/maps": YANDEX_MAPS,
}


async def _configs(runtime: WebhookRuntime, request: Request, tenant: str, source: str) -> list[ActiveConfig]:
    configs = await runtime.directory.active(tenant, source) if SOURCE_SLUG.match(source) else []
    if not configs:
        raise Rejected(404, "unknown_source", f"no webhook config for source {source!r}")
    if source == GOOGLE_SHEETS:
        channel = request.headers.get("x-goog-channel-id")
        configs = [c for c in configs if channel and c.channel_id == channel]
        if not configs:
            raise Rejected(401, "unknown_channel", "unknown X-Goog-Channel-ID")
    return configs


async def _rate_limit(runtime: WebhookRuntime, tenant: str, source: str, configs: list[ActiveConfig]) -> None:
    limit = max(c.rate_limit_per_minute for c in configs)
    decision = await runtime.limiter.hit(f"{tenant}:{source}", limit, 60)
    if not decision.allowed:
        headers = {"Retry-After": decision.retry_after_header}
        raise Rejected(429, "rate_limited", "too many deliveries", headers)


async def receive(request: Request, source: str) -> JSONResponse:
    """Verify, store and acknowledge one delivery (the answers of DESIGN.md "Webhooks").

    The hot path takes no FastAPI dependencies (they cost more than the rest of the request) and
    stores the event with one autocommit statement before answering, so 200 means stored.
    """
    started = time.perf_counter()
    runtime: WebhookRuntime = request.app.state.webhooks
    tenant = validate_tenant(request.query_params.get("tenant"))
    label = "unknown"
    try:
        configs = await _configs(runtime, request, tenant, source)
        label = source
        metrics.RECEIVED.labels(source).inc()
        raw = await intake.read_body(request)
        config = intake.authenticate(configs, request.headers, raw)
        # Only authenticated deliveries count: unsigned junk must not use up the sender's budget.
        await _rate_limit(runtime, tenant, source, configs)
        _body, identity = intake.parse(source, config.scheme, request.headers, raw)
    except Rejected as rejected:
        if label == "unknown":
            metrics.RECEIVED.labels(label).inc()
        metrics.REJECTED.labels(label, rejected.reason).inc()
        return JSONResponse(
            {"detail": rejected.detail, "reason": rejected.reason},
            status_code=rejected.status,
            headers=rejected.headers,
        )
    try:
        new = await intake.store(
            runtime,
            request,
            tenant=tenant,
            source=source,
            config=config,
            raw=raw,
            identity=identity,
            started=started,
        )
    except DATABASE_ERRORS as exc:
        log.warning("webhook not stored: database unavailable", extra={"source": source, "error": str(exc)})
        metrics.REJECTED.labels(source, "database_unavailable").inc()
        return unavailable("database")
    metrics.INGEST_LATENCY.labels(source).observe(time.perf_counter() - started)
    if not new:
        return JSONResponse({"status": "duplicate", "event_id": identity.event_id})
    # Background tasks run after the response (the row is committed): wake the in-process worker.
    return JSONResponse(
        {"status": "accepted", "event_id": identity.event_id}, background=BackgroundTask(_wake, runtime)
    )


async def _wake(runtime: WebhookRuntime) -> None:
    # A coroutine, so Starlette runs it inline instead of hopping to a thread per delivery.
    runtime.wake()


@router.post("/stripe", summary="Stripe events (Stripe-Signature)")
async def stripe(request: Request) -> JSONResponse:
    """Receive a Stripe event."""
    return await receive(request, STRIPE)


@router.post("/google/sheets", summary="Google Drive push notifications for Sheets")
async def google_sheets(request: Request) -> JSONResponse:
    """Receive a Drive push-channel notification."""
    return await receive(request, GOOGLE_SHEETS)


@router.post("/yandex/maps", summary="Yandex Maps events (X-Signature)")
async def yandex_maps(request: Request) -> JSONResponse:
    """Receive a Yandex Maps event."""
    return await receive(request, YANDEX_MAPS)


@router.post("/generic/{source}", summary="Any HMAC / GitHub / Standard Webhooks sender")
async def generic(source: str, request: Request) -> JSONResponse:
    """Receive an event of a configured generic source."""
    return await receive(request, source)
