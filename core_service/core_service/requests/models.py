"""Repair requests, their comments, history and the per-day number counters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core_service.buildings.models import Building
from core_service.db import Base, FetchDefaults
from core_service.sla import clock
from core_service.sla.clock import SlaStatus
from core_service.users.models import User
from shared.db import TenantMixin, TimestampMixin


class RepairRequest(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A resident's request, numbered `YYMMDD-NNN` per tenant per day."""

    __tablename__ = "requests"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_requests_applicant", "tenant_id", "applicant_id", "created_at"),
        Index("ix_requests_executor", "tenant_id", "executor_id", "created_at"),
        Index("ix_requests_status_category", "tenant_id", "status", "category", "created_at"),
        Index("ix_requests_tenant_created", "tenant_id", "created_at"),
        # The overdue list (`sla_due_at <= now`, oldest first) and the breach scan read only these.
        Index("ix_requests_sla_due", "tenant_id", "sla_due_at", "id",
              postgresql_where=text("sla_due_at IS NOT NULL AND sla_paused_at IS NULL")),
        Index("ix_requests_sla_alert", "sla_alert_at",
              postgresql_where=text("sla_alert_at IS NOT NULL AND sla_paused_at IS NULL")),
        Index("ix_requests_sla_risk_alert", "sla_risk_alert_at",
              postgresql_where=text("sla_risk_alert_at IS NOT NULL AND sla_paused_at IS NULL")),
        Index("ix_requests_acceptance_due", "acceptance_due_at",
              postgresql_where=text("acceptance_due_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(16))
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
    apartment: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(16), default="normal")
    description: Mapped[str] = mapped_column(Text)
    media: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="new")
    rating: Mapped[int | None] = mapped_column(Integer)
    review: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # While completed: when the resident is next reminded, or their acceptance is given for them.
    acceptance_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # SLA clocks (`core_service.sla.clock`), set at filing; null on requests filed before them.
    reaction_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reaction_risk_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_risk_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_alert_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_risk_alert_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    building: Mapped[Building] = relationship(lazy="raise")
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="raise")
    executor: Mapped[User | None] = relationship(foreign_keys=[executor_id], lazy="raise")

    @property
    def sla_status(self) -> SlaStatus | None:
        """How the request stands against its SLA now."""
        return clock.status_of(self, datetime.now(UTC))


# What a JSONB list column holds before anything is added (and on rows older than the column).
EMPTY_LIST = text("'[]'::jsonb")


class RequestComment(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A comment on a request."""

    __tablename__ = "request_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    # Photos (and other files) sent with the comment, stored as a request's media items are.
    media: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default=EMPTY_LIST)

    author: Mapped[User] = relationship(lazy="raise")


class RequestHistory(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """One change of a request: creation, status change, assignment, comment or rating."""

    __tablename__ = "request_history"
    __table_args__ = (
        # Auto-assignment's "longest since their last assignment" reads only these.
        Index("ix_request_history_assigned", "tenant_id", "new_executor_id", "created_at",
              postgresql_where=text("action = 'assigned'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str | None] = mapped_column(String(16))
    old_executor_id: Mapped[int | None] = mapped_column(Integer)
    new_executor_id: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship(lazy="raise")


class RequestNumberCounter(Base):
    """The last number handed out per tenant per day (upserted atomically)."""

    __tablename__ = "request_number_counters"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
