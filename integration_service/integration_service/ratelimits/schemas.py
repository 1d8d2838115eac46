"""Rate-limit bodies and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from integration_service.ratelimits.models import ANY_ENDPOINT
from integration_service.schemas import number_only
from shared.schemas import ApiModel


class RateLimitIn(ApiModel):
    """At most `limit` calls to `service` (`endpoint`, or `*` for all of it) per `window_seconds`."""

    model_config = ConfigDict(extra="forbid")

    service: str = Field(min_length=1, max_length=100, pattern=r"^\S+$")
    endpoint: str = Field(default=ANY_ENDPOINT, min_length=1, max_length=255, pattern=r"^\S+$")
    limit: int = Field(ge=1, le=10_000_000)
    window_seconds: int = Field(default=60, ge=1, le=86_400)

    _numbers = field_validator("limit", "window_seconds", mode="before")(lambda cls, v: number_only(v))


class RateLimitOut(BaseModel):
    """A configured limit with its live usage from Redis."""

    service: str
    endpoint: str
    limit: int
    window_seconds: int
    current_usage: int
    reset_at: datetime | None
    updated_at: datetime


class RateLimitList(BaseModel):
    """Every limit of the tenant."""

    items: list[RateLimitOut]
