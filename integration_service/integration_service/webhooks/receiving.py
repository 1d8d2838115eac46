"""Receiving one delivery: its config, size limit, signature, rate, identity, the idempotent insert
and the answer (docs/ARCHITECTURE.md, "The path of a webhook")."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

from integration_service.webhooks import metrics
from integration_service.webhooks.configs import ActiveConfig, ConfigDirectory
from integration_service.webhooks.signatures import Verdict, verify
from integration_service.webhooks.sources import GOOGLE_SHEETS, BadDelivery, Identity, identify
from integration_service.webhooks.store import DATABASE_ERRORS, EventWriter, NewEvent
from shared.errors import unavailable
from shared.logging import correlation_id
from shared.ratelimit import RateLimiter
from shared.security import validate_tenant
from shared.tracing import current_traceparent

log = logging.getLogger("webhooks.receivers")
MAX_BODY_BYTES = 1 << 20
SOURCE_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "x-goog-channel-token", "x-api-key"}
# Refusals a stranger gets one answer for, so it cannot learn which (tenant, source) pairs exist;
# the metrics and the log keep the real reason. A stale timestamp is told apart: only a sender
# holding the secret can sign one.
_UNAUTHENTICATED = frozenset({"unknown_source", "unknown_channel", "missing_signature", "invalid_signature"})
UNAUTHENTICATED_ANSWER = {"detail": "missing or invalid signature", "reason": "unauthenticated"}


@dataclass
class Receivers:
    """What the receivers use: active configs, the senders' rate limiter and the event writer.

    `wake` is called after a new event is committed: the in-process worker's wake-up (None when
    the worker runs in a process of its own, which polls).
    """

    directory: ConfigDirectory
    limiter: RateLimiter
    writer: EventWriter
    wake: Callable[[], None] | None = None


@dataclass
class Rejected(Exception):
    """A delivery refused with `status` (401, 413, 400, 429); nothing was stored."""

    status: int
    reason: str
    detail: str
    headers: dict[str, str] = field(default_factory=dict)


async def read_body(request: Request) -> bytes:
    """The raw body, refused with 413 as soon as it is known to exceed 1 MiB."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise Rejected(413, "too_large", "body over 1 MiB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Rejected(413, "too_large", "body over 1 MiB")
        chunks.append(chunk)
    return b"".join(chunks)


def authenticate(configs: list[ActiveConfig], headers: Mapping[str, str], raw: bytes) -> ActiveConfig:
    """The config whose secret signed `raw`; 401 otherwise (a stale timestamp says so)."""
    verdicts: list[Verdict] = []
    for scheme in dict.fromkeys(c.scheme for c in configs):
        group = [c for c in configs if c.scheme == scheme]
        verdict = verify(scheme, headers, raw, [c.secret for c in group])
        if verdict.ok:
            return group[verdict.index]
        verdicts.append(verdict)
    reasons = {v.reason for v in verdicts}
    reason = next((r for r in ("stale_timestamp", "invalid_signature") if r in reasons), "missing_signature")
    raise Rejected(401, reason, reason.replace("_", " "))


def parse(source: str, scheme: str, headers: Mapping[str, str], raw: bytes) -> tuple[Any, Identity]:
    """The JSON body (None for an empty Drive notification) and the event's id and type; 400 if unusable."""
    body: Any = None
    if raw.strip() or source != GOOGLE_SHEETS:
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise Rejected(400, "not_json", "body is not JSON") from exc
        # PostgreSQL's JSONB has no NUL character: such an event could never be published.
        if b"\\u0000" in raw and _has_nul(body):
            raise Rejected(400, "nul_character", "JSON strings must not contain \\u0000 (U+0000)")
    try:
        return body, identify(source, scheme, headers, raw, body)
    except BadDelivery as exc:
        raise Rejected(400, "bad_event", str(exc)) from exc


def _has_nul(body: Any) -> bool:
    """Whether any string or key of the parsed JSON contains U+0000 (iterative: bodies nest deep)."""
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def sanitized(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers worth keeping, with credentials masked."""
    return {k: ("***" if k in _SECRET_HEADERS else v[:1024]) for k, v in list(headers.items())[:64]}


async def _store(
    writer: EventWriter,
    request: Request,
    *,
    tenant: str,
    source: str,
    config: ActiveConfig,
    raw: bytes,
    identity: Identity,
    started: float,
) -> bool:
    """Insert the event unless (tenant, source, event_id) exists; True when it is new.

    No NOTIFY here: PostgreSQL serializes the commits of notifying transactions on one global
    lock, which capped ingest at a few hundred per second. The receiver wakes the in-process
    worker after the commit instead; a worker of its own polls.
    """
    event = NewEvent(
        tenant=tenant,
        source=source,
        event_id=identity.event_id,
        event_type=identity.event_type,
        raw=raw,
        headers=sanitized(request.headers),
        source_ip=request.client.host if request.client else None,
        scheme=config.scheme,
        config_id=config.id,
        max_attempts=config.max_attempts,
        ingest_ms=round((time.perf_counter() - started) * 1000, 3),
        correlation_id=correlation_id.get(),
        traceparent=current_traceparent(),
    )
    new = await writer.store(event)
    (metrics.ACCEPTED if new else metrics.DUPLICATE).labels(source).inc()
    return new


async def _configs(receivers: Receivers, request: Request, tenant: str, source: str) -> list[ActiveConfig]:
    configs = await receivers.directory.active(tenant, source) if SOURCE_SLUG.match(source) else []
    if not configs:
        raise Rejected(401, "unknown_source", f"no webhook config for source {source!r}")
    if source == GOOGLE_SHEETS:
        channel = request.headers.get("x-goog-channel-id")
        configs = [c for c in configs if channel and c.channel_id == channel]
        if not configs:
            raise Rejected(401, "unknown_channel", "unknown X-Goog-Channel-ID")
    return configs


async def _rate_limit(receivers: Receivers, tenant: str, source: str, configs: list[ActiveConfig]) -> None:
    limit = max(c.rate_limit_per_minute for c in configs)
    decision = await receivers.limiter.hit(f"{tenant}:{source}", limit, 60)
    if not decision.allowed:
        headers = {"Retry-After": decision.retry_after_header}
        raise Rejected(429, "rate_limited", "too many deliveries", headers)


async def receive(receivers: Receivers, request: Request, source: str) -> JSONResponse:
    """Verify, store and acknowledge one delivery; 200 means stored.

    The event is stored with one autocommit statement before the answer. Refusals answer
    401/413/400/429 with a `reason`; a database that cannot store it answers 503. The body is read
    before the config is looked up, so an unconfigured pair answers exactly as a configured one.
    """
    started = time.perf_counter()
    tenant = validate_tenant(request.query_params.get("tenant"))
    label = "unknown"
    try:
        raw = await read_body(request)
        configs = await _configs(receivers, request, tenant, source)
        label = source
        metrics.RECEIVED.labels(source).inc()
        config = authenticate(configs, request.headers, raw)
        # Only authenticated deliveries count: unsigned junk must not use up the sender's budget.
        await _rate_limit(receivers, tenant, source, configs)
        _body, identity = parse(source, config.scheme, request.headers, raw)
    except Rejected as rejected:
        if label == "unknown":
            metrics.RECEIVED.labels(label).inc()
        metrics.REJECTED.labels(label, rejected.reason).inc()
        return _refusal(rejected, tenant, source)
    try:
        new = await _store(receivers.writer, request, tenant=tenant, source=source, config=config, raw=raw,
                           identity=identity, started=started)
    except DATABASE_ERRORS as exc:
        log.warning("webhook not stored: database unavailable", extra={"source": source, "error": str(exc)})
        metrics.REJECTED.labels(source, "database_unavailable").inc()
        return unavailable("database")
    metrics.INGEST_LATENCY.labels(source).observe(time.perf_counter() - started)
    if not new:
        return JSONResponse({"status": "duplicate", "event_id": identity.event_id})
    # Background tasks run after the response (the row is committed): wake the in-process worker.
    wake = BackgroundTask(_wake, receivers.wake) if receivers.wake is not None else None
    return JSONResponse({"status": "accepted", "event_id": identity.event_id}, background=wake)


def _refusal(rejected: Rejected, tenant: str, source: str) -> JSONResponse:
    """The answer to a refused delivery; the unauthenticated ones are alike, the log tells them apart."""
    if rejected.reason not in _UNAUTHENTICATED:
        return JSONResponse({"detail": rejected.detail, "reason": rejected.reason},
                            status_code=rejected.status, headers=rejected.headers)
    log.info("webhook refused", extra={"tenant": tenant, "source": source[:64], "reason": rejected.reason,
                                       "detail": rejected.detail[:200]})
    return JSONResponse(UNAUTHENTICATED_ANSWER, status_code=401)


async def _wake(wake: Callable[[], None]) -> None:
    # A coroutine, so Starlette runs it inline instead of hopping to a thread per delivery.
    wake()
