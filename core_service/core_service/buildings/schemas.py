"""Building API bodies and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core_service.schemas import Page
from shared.schemas import NOT_BLANK, ApiModel


def _clean_address(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError("address must not be blank")
    return cleaned


class BuildingIn(ApiModel):
    """A new building."""

    address: str = Field(min_length=1, max_length=300, json_schema_extra={"pattern": NOT_BLANK})
    entrances: int = Field(default=1, ge=1, le=100)
    floors: int = Field(default=1, ge=1, le=200)
    apartments: int = Field(default=1, ge=1, le=10_000)

    _address = field_validator("address")(lambda cls, v: _clean_address(v))


class BuildingUpdate(ApiModel):
    """A change to a building."""

    address: str | None = Field(
        default=None, min_length=1, max_length=300, json_schema_extra={"pattern": NOT_BLANK}
    )
    entrances: int | None = Field(default=None, ge=1, le=100)
    floors: int | None = Field(default=None, ge=1, le=200)
    apartments: int | None = Field(default=None, ge=1, le=10_000)

    _address = field_validator("address")(lambda cls, v: _clean_address(v))


class BuildingOut(BaseModel):
    """A building as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    address: str
    entrances: int
    floors: int
    apartments: int
    latitude: float | None
    longitude: float | None
    formatted_address: str | None
    created_at: datetime
    updated_at: datetime


class BuildingRef(BaseModel):
    """A building inside a request."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    address: str


BuildingPage = Page[BuildingOut]
