"""`/api/v1/geocoding`: forward, reverse and the providers' health (management token)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import StringConstraints

from integration_service.dependencies import GeocoderDep
from integration_service.geocoding.exceptions import GeocodingUnavailable, NotFound
from integration_service.geocoding.schemas import GeocodeResult, GeocodingHealth, Lang, ProviderState
from integration_service.logs.context import CallTenantDep
from shared.errors import error_responses
from shared.ratelimit import Decision

router = APIRouter(prefix="/api/v1/geocoding", tags=["geocoding"])
# No provider found the place (404), or none can answer now (429 our limit, 503 theirs).
LOOKUP_ERRORS = error_responses(404, 429, 503)
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


async def _answer(lookup: Awaitable[GeocodeResult]) -> GeocodeResult | JSONResponse:
    try:
        return await lookup
    except NotFound as exc:
        return JSONResponse({"detail": "address not found by any provider", "address": exc.query},
                            status_code=404)
    except GeocodingUnavailable as exc:
        retry = Decision(False, 0, 0, exc.retry_after).retry_after_header
        return JSONResponse({"detail": exc.detail, "dependency": "geocoding"},
                            status_code=exc.status_code, headers={"Retry-After": retry})


@router.get("/forward", response_model=GeocodeResult, responses=LOOKUP_ERRORS)
async def forward(
    geocoder: GeocoderDep, tenant: CallTenantDep, address: Annotated[Address, Query()], lang: Lang = "ru"
) -> GeocodeResult | JSONResponse:
    """Coordinates of an address (cached an hour per tenant)."""
    return await _answer(geocoder.forward(tenant, address, lang))


@router.get("/reverse", response_model=GeocodeResult, responses=LOOKUP_ERRORS)
async def reverse(
    geocoder: GeocoderDep,
    tenant: CallTenantDep,
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)],
    lon: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)],
    lang: Lang = "ru",
) -> GeocodeResult | JSONResponse:
    """The address at a point."""
    return await _answer(geocoder.reverse(tenant, lat, lon, lang))


@router.get("/health", response_model=GeocodingHealth)
async def health(geocoder: GeocoderDep) -> GeocodingHealth:
    """Each provider's state as learned from the last real call."""
    recorded = await geocoder.health.states()
    providers = []
    for position, provider in enumerate(geocoder.providers, start=1):
        state = recorded.get(provider.name, {})
        name = state.get("state", "unknown") if provider.configured else "not_configured"
        providers.append(ProviderState(
            name=provider.name, position=position, configured=provider.configured, state=name,
            detail=state.get("detail"), checked_at=state.get("checked_at"),
            limit_per_minute=geocoder.per_minute.get(provider.name, 0),
            used_last_minute=await geocoder.limiter.used(provider.name)))
    usable = [p for p in providers if p.state in ("ok", "unknown")]
    status = "ok" if len(usable) == len(providers) else "degraded" if usable else "down"
    return GeocodingHealth(status=status, providers=providers)
