"""Probing an external service's `health_url` and recording what was found."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.services.exceptions import NoHealthUrl
from integration_service.services.models import ExternalService
from shared.http import CallRecord, Recorder, ServiceClient


@dataclass(frozen=True, slots=True)
class Probe:
    """One health probe's outcome."""

    healthy: bool
    status_code: int | None
    latency_ms: float
    error: str | None
    checked_at: datetime


async def _get(client: ServiceClient, url: str, limit_seconds: float) -> httpx.Response:
    async with asyncio.timeout(limit_seconds):  # a bound on the whole probe, not only each phase
        return await client.request("GET", url)


async def probe(call_log: Recorder, url: str, service: str, limit_seconds: float,
                transport: httpx.AsyncBaseTransport | None = None) -> Probe:
    """GET `url` once within `limit_seconds`; healthy means an answer below 400."""
    calls: list[CallRecord] = []

    def record(call: CallRecord) -> None:
        calls.append(call)
        call_log(call)  # the probe is an outbound call like any other

    client = ServiceClient(service, url, timeout=limit_seconds, attempts=1, recorder=record,
                           transport=transport)
    started = time.perf_counter()
    status: int | None = None
    error: str | None = None
    try:
        status = (await _get(client, url, limit_seconds)).status_code
        error = None if status < 400 else f"HTTP {status}"
    except TimeoutError:
        error = f"timed out after {limit_seconds:g}s"
    except httpx.HTTPError as exc:
        error = calls[-1].error if calls and calls[-1].error else f"{type(exc).__name__}: {exc}"
    finally:
        await client.aclose()
    latency = round((time.perf_counter() - started) * 1000, 2)
    return Probe(error is None, status, latency, error, datetime.now(UTC))


async def check(
    session: AsyncSession, row: ExternalService, call_log: Recorder, limit_seconds: float
) -> Probe:
    """Probe the service's `health_url` and store the result on its row (409 without one)."""
    if not row.health_url:
        raise NoHealthUrl()
    result = await probe(call_log, row.health_url, row.name, limit_seconds)
    row.health_status = "healthy" if result.healthy else "unhealthy"
    row.last_health_check_at = result.checked_at
    row.last_health_error = result.error
    row.last_health_latency_ms = result.latency_ms
    await session.flush()
    await session.refresh(row)
    return result
