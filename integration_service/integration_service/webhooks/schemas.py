"""Request and response bodies of the webhooks management API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

from integration_service.schemas import OMITTABLE, number_only
from shared.schemas import ApiModel, IsoDatetime, TotalExact

Scheme = Literal["stripe", "google_channel", "hmac_sha256", "github", "standard_webhooks"]
Source = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Glob = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Status = Literal["received", "processing", "processed", "failed", "dead", "filtered"]


class ConfigCreate(ApiModel):
    """A new webhook config; `secret` is write-only and stored encrypted."""

    model_config = ConfigDict(extra="forbid")

    source: Source
    secret: str = Field(min_length=1, max_length=1024)
    signature_scheme: Scheme | None = None
    channel_id: str | None = Field(default=None, min_length=1, max_length=255)
    event_types: list[Glob] = Field(default_factory=list, max_length=100)
    max_attempts: int = Field(default=8, ge=1, le=50)
    rate_limit_per_minute: int = Field(default=12_000, ge=1, le=1_000_000)
    is_active: StrictBool = True

    _numbers = field_validator("max_attempts", "rate_limit_per_minute", mode="before")(
        lambda cls, v: number_only(v))


class ConfigUpdate(ApiModel):
    """Fields to change; absent fields keep their value."""

    model_config = ConfigDict(extra="forbid")

    secret: str | None = Field(**OMITTABLE, min_length=1, max_length=1024)
    signature_scheme: Scheme | None = Field(**OMITTABLE)
    channel_id: str | None = Field(default=None, min_length=1, max_length=255)
    event_types: list[Glob] | None = Field(**OMITTABLE, max_length=100)
    max_attempts: int | None = Field(**OMITTABLE, ge=1, le=50)
    rate_limit_per_minute: int | None = Field(**OMITTABLE, ge=1, le=1_000_000)
    is_active: StrictBool | None = Field(**OMITTABLE)

    _numbers = field_validator("max_attempts", "rate_limit_per_minute", mode="before")(
        lambda cls, v: number_only(v))

    @model_validator(mode="after")
    def _not_null(self) -> ConfigUpdate:
        for name in ("signature_scheme", "event_types", "max_attempts", "rate_limit_per_minute", "is_active",
                     "secret"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class ConfigOut(BaseModel):
    """A config as the API shows it: never the secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    tenant_id: str
    source: str
    signature_scheme: str
    channel_id: str | None
    event_types: list[str]
    max_attempts: int
    rate_limit_per_minute: int
    is_active: bool
    has_secret: bool
    created_at: datetime
    updated_at: datetime


class EventOut(BaseModel):
    """A stored webhook event (without its raw body)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    tenant_id: str
    source: str
    event_id: str
    event_type: str
    status: str
    signature_valid: bool
    signature_scheme: str | None
    config_id: int | None
    attempts: int
    max_attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    received_at: datetime
    processed_at: datetime | None
    published_at: datetime | None
    ingest_ms: float | None
    source_ip: str | None
    correlation_id: str | None


class EventDetail(EventOut):
    """One event with its headers, body and error history."""

    headers: dict[str, Any]
    errors: list[dict[str, Any]]
    body: str


class EventPage(BaseModel):
    """One page of events, newest first."""

    items: list[EventOut]
    total: int
    total_exact: TotalExact
    limit: int
    offset: int


class ReplayRequest(ApiModel):
    """Events of a time range (and filters) to process and publish again."""

    model_config = ConfigDict(extra="forbid")

    since: IsoDatetime
    until: IsoDatetime
    source: Source | None = None
    event_type: str | None = Field(default=None, max_length=255)
    status: Status | None = None

    @model_validator(mode="after")
    def _range(self) -> ReplayRequest:
        if self.until <= self.since:
            raise ValueError("until must be after since")
        return self


class Queued(BaseModel):
    """How many events were queued for processing."""

    queued: int
