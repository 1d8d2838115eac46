"""Shift templates and the shift rows generated from them (or written by a manager)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core_service.db import Base, FetchDefaults
from core_service.users.models import User
from shared.db import TenantMixin, TimestampMixin

KINDS = ("weekly", "cycle")
STATUSES = ("planned", "started", "ended", "missed")
# A hand-over is asked by the shift's executor, accepted by the colleague, approved by a manager.
HANDOVER_STATES = ("requested", "accepted")


class ShiftTemplate(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A repeating pattern of local working hours for the executors of one specialization."""

    __tablename__ = "shift_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    specialization: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    # Local wall-clock hours `HH:MM`, in the tenant's time zone; `24:00` ends at midnight.
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    # `weekly`: the weekdays worked (`mon` ... `sun`).
    weekdays: Mapped[list[str]] = mapped_column(ARRAY(String(3)), default=list)
    # `cycle`: `days_on` days worked, then `days_off` days free, counted from `cycle_start`.
    days_on: Mapped[int | None] = mapped_column(Integer)
    days_off: Mapped[int | None] = mapped_column(Integer)
    cycle_start: Mapped[date | None] = mapped_column(Date)
    # The executors it plans; None: every active executor of the specialization when generating.
    executor_ids: Mapped[list[int] | None] = mapped_column(ARRAY(Integer))


class Shift(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """One executor on duty for one specialization from `starts_at` to `ends_at` (UTC)."""

    __tablename__ = "shifts"
    __table_args__ = (
        Index("ix_shifts_executor_time", "tenant_id", "executor_id", "starts_at"),
        Index("ix_shifts_specialization_time", "tenant_id", "specialization", "starts_at"),
        # The late-shift scan reads only planned shifts not yet flagged.
        Index("ix_shifts_late", "starts_at",
              postgresql_where=text("status = 'planned' AND late_flagged_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_templates.id", ondelete="SET NULL"))
    executor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    specialization: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(8), default="planned")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handover_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handover_state: Mapped[str | None] = mapped_column(String(9))
    # When the managers were told it had not been started in time (`shift.late`), once.
    late_flagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    executor: Mapped[User] = relationship(foreign_keys=[executor_id], lazy="raise")
    handover_to: Mapped[User | None] = relationship(foreign_keys=[handover_to_id], lazy="raise")


class CoverageCheck(Base):
    """A specialization's coverage of one local day checked the day before, so it is checked once."""

    __tablename__ = "shift_coverage_checks"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    specialization: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # Stretches of the templates' hours with nobody planned, found when it was checked.
    gaps: Mapped[int] = mapped_column(Integer, default=0)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
