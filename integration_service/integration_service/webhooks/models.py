"""Webhook configs (per tenant and source) and every received webhook event (its own outbox)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from integration_service.db import Base
from shared.db import DEFAULT_TENANT, TenantMixin, TimestampMixin

EVENT_STATUSES = ("received", "processing", "processed", "failed", "dead", "filtered")


class WebhookConfig(TenantMixin, TimestampMixin, Base):
    """How one source's webhooks are verified, filtered and retried for a tenant."""

    __tablename__ = "webhook_configs"
    __table_args__ = (
        Index("ix_webhook_configs_lookup", "tenant_id", "source", "is_active"),
        Index("ix_webhook_configs_channel_id", "channel_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), nullable=False)
    secret_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    signature_scheme: Mapped[str] = mapped_column(String(32), nullable=False)
    channel_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Glob patterns; an empty list means every event type.
    event_types: Mapped[list[str]] = mapped_column(
        JSONB, nullable=False, default=list, server_default=text("'[]'::jsonb")
    )
    max_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=8, server_default="8")
    rate_limit_per_minute: Mapped[int] = mapped_column(
        Integer, nullable=False, default=12000, server_default="12000"
    )
    is_active: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, server_default=text("true")
    )


class WebhookEvent(TenantMixin, TimestampMixin, Base):
    """One delivery of one provider event, stored before it is acknowledged."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source", "event_id", name="uq_webhook_events_tenant_source_event"),
        Index("ix_webhook_events_claim", "status", "next_attempt_at"),
        Index("ix_webhook_events_listing", "tenant_id", "received_at"),
        # The worker's claim query only ever looks at events still to do.
        Index("ix_webhook_events_due", "next_attempt_at",
              postgresql_where=text("status IN ('received', 'failed')")),
        CheckConstraint(
            "status IN ('received', 'processing', 'processed', 'failed', 'dead', 'filtered')",
            name="status",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    # No single-column index: the unique key and the listing index both lead with tenant_id.
    tenant_id: Mapped[str] = mapped_column(String(64), nullable=False, default=DEFAULT_TENANT)
    source: Mapped[str] = mapped_column(String(64), nullable=False)
    event_id: Mapped[str] = mapped_column(String(255), nullable=False)
    event_type: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default="received", server_default="received"
    )
    raw_body: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    headers: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, default=dict, server_default=text("'{}'::jsonb")
    )
    source_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signature_valid: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    signature_scheme: Mapped[str | None] = mapped_column(String(32), nullable=True)
    config_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_configs.id", ondelete="SET NULL"), nullable=True
    )
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    max_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=8, server_default="8")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, default=list, server_default=text("'[]'::jsonb")
    )
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    processing_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ingest_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    correlation_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The receiving request's span (W3C): the event published later continues that trace.
    traceparent: Mapped[str | None] = mapped_column(String(64), nullable=True)

