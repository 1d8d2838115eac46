"""Probing an external service's `health_url` and recording what was found."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.services.exceptions import NoHealthUrl, ProbeRefused
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


def _within_base(url: httpx.URL, base: httpx.URL) -> bool:
    """Whether `url` is the base URL's origin and under its path: nothing else is the service's."""
    prefix = base.path if base.path.endswith("/") else base.path + "/"
    same_origin = (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)
    return same_origin and (url.path == base.path or url.path.startswith(prefix))


async def _not_public(host: str) -> str | None:
    """Why `host` may not be probed (an address that is not public), or None; every address counts,
    as the connection may use any of them."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return None  # nothing to connect to: the probe itself reports the failure
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not address.is_global:
            return f"{host} resolves to {address}, which is not a public address"
    return None


async def guard(health_url: str, base_url: str, allow_private: bool) -> None:
    """409 unless `health_url` lies under `base_url` and, unless allowed, every address is public."""
    url = httpx.URL(health_url)
    if not _within_base(url, httpx.URL(base_url)):
        raise ProbeRefused("it is not under the service's base_url")
    if not allow_private and (reason := await _not_public(url.host)):
        raise ProbeRefused(reason)


async def check(
    session: AsyncSession, row: ExternalService, call_log: Recorder, limit_seconds: float,
    allow_private: bool = False,
) -> Probe:
    """Probe the service's `health_url` and store the result on its row (409 without one, or one
    that is not the service's or not public)."""
    if not row.health_url:
        raise NoHealthUrl()
    await guard(row.health_url, row.base_url, allow_private)
    result = await probe(call_log, row.health_url, row.name, limit_seconds)
    row.health_status = "healthy" if result.healthy else "unhealthy"
    row.last_health_check_at = result.checked_at
    row.last_health_error = result.error
    row.last_health_latency_ms = result.latency_ms
    await session.flush()
    await session.refresh(row)
    return result
