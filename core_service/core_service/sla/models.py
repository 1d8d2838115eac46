"""The SLA configuration of a tenant: one row, or none while the tenant keeps the defaults."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, String
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core_service.db import Base, FetchDefaults
from shared.db import TimestampMixin


class SlaSettings(FetchDefaults, TimestampMixin, Base):
    """A tenant's calendar, pause statuses and per-urgency policies (`sla.schemas.SlaConfig`)."""

    __tablename__ = "sla_settings"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    # {"mon": [["09:00", "18:00"]], ...}: every weekday, intervals in order.
    working_hours: Mapped[dict[str, Any]] = mapped_column(JSONB)
    holidays: Mapped[list[date]] = mapped_column(ARRAY(Date))
    pause_statuses: Mapped[list[str]] = mapped_column(ARRAY(String(16)))
    # {"critical": {"reaction_minutes": 30, "resolution_minutes": 240, "business_hours": false}, ...}
    policies: Mapped[dict[str, Any]] = mapped_column(JSONB)
