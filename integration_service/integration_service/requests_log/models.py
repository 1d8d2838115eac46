"""Where each tenant's log lives, and what has been applied to each request's row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from integration_service.db import Base
from shared.db import TenantMixin, TimestampMixin


class RequestsLogConfig(TenantMixin, TimestampMixin, Base):
    """One spreadsheet and worksheet per tenant."""

    __tablename__ = "requests_log_configs"
    __table_args__ = (UniqueConstraint("tenant_id", name="uq_requests_log_configs_tenant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spreadsheet_id: Mapped[str] = mapped_column(String(128))
    worksheet: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")


class RequestsLogEntry(TenantMixin, TimestampMixin, Base):
    """A request's merged state: each column with the time of the event that set it.

    A column only changes for an event newer than the one that last set it, so a redelivered or
    late event changes nothing; `synced` says the spreadsheet row matches `columns`.
    """

    __tablename__ = "requests_log_entries"
    __table_args__ = (UniqueConstraint("tenant_id", "request_number", name="uq_requests_log_entries_number"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    request_number: Mapped[str] = mapped_column(String(32))
    columns: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    synced: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    events_applied: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_event_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
