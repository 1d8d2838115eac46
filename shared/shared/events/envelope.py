"""The event envelope every producer publishes (the contract's "Events" section)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.logging import correlation_id as current_correlation_id
from shared.tracing import current_traceparent


class Envelope(BaseModel):
    """`{event_id, event_type, source, tenant_id, occurred_at, version, correlation_id, data}`, and
    `traceparent` (W3C) when the event was made inside a recorded trace."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: str = Field(min_length=1, max_length=255)
    event_type: str = Field(min_length=1, max_length=255)
    source: str = Field(min_length=1, max_length=64)
    tenant_id: str = Field(min_length=1, max_length=64)
    occurred_at: datetime
    version: int = 1
    correlation_id: str | None = None
    # The span that made the event: its consumers' handling continues the same trace.
    traceparent: str | None = Field(default=None, max_length=255)
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # Naive datetimes are taken as UTC; aware ones are converted, so every envelope says UTC.
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @classmethod
    def new(
        cls,
        *,
        event_type: str,
        source: str,
        tenant_id: str,
        data: dict[str, Any] | None = None,
        event_id: str | None = None,
        correlation_id: str | None = None,
        occurred_at: datetime | None = None,
        traceparent: str | None = None,
    ) -> Envelope:
        """A fresh envelope: a uuid4 id, the current request's correlation id and the current
        span's `traceparent` unless given."""
        return cls(
            event_id=event_id or str(uuid.uuid4()),
            event_type=event_type,
            source=source,
            tenant_id=tenant_id,
            occurred_at=occurred_at or datetime.now(UTC),
            correlation_id=correlation_id if correlation_id is not None else current_correlation_id.get(),
            traceparent=traceparent or current_traceparent(),
            data=data or {},
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (ISO-8601 `occurred_at`; no `traceparent` key outside a trace)."""
        # Events made while tracing is off look exactly as they did before the field existed.
        return self.model_dump(mode="json", exclude={"traceparent"} if self.traceparent is None else None)

    def to_json(self) -> bytes:
        """The envelope as compact JSON bytes."""
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        """Parse JSON produced by `to_json` (or by any producer following the contract)."""
        return cls.model_validate_json(raw)
