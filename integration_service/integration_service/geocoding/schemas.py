"""What the geocoding API answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Lang = Literal["ru", "uz", "en"]


class GeocodeResult(BaseModel):
    """One place: coordinates, the provider's address line and how precise the match is."""

    lat: float
    lon: float
    formatted_address: str
    provider: str
    precision: str
    cached: bool = False


class ProviderState(BaseModel):
    """A provider's last known state, as recorded from real calls."""

    name: str
    position: int
    configured: bool
    state: Literal["ok", "unknown", "unhealthy", "quota_exceeded", "unavailable", "not_configured"]
    detail: str | None = None
    checked_at: str | None = None
    limit_per_minute: int
    used_last_minute: int | None = None


class GeocodingHealth(BaseModel):
    """Every provider in the order they are tried; `status` is ok when one of them is usable."""

    status: Literal["ok", "degraded", "down"]
    providers: list[ProviderState]
