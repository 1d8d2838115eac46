"""`bot_metrics`: raw update records written in batches, plus hourly and daily roll-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from bot_gateway.db import Base
from shared.db import TenantMixin


class BotMetric(TenantMixin, Base):
    """A raw update (`granularity='raw'`) or a roll-up row (`hour`, `day`) of many."""

    __tablename__ = "bot_metrics"
    __table_args__ = (
        Index("ix_bot_metrics_granularity_bucket", "granularity", "bucket_at"),
        Index(
            "uq_bot_metrics_rollup", "tenant_id", "granularity", "bucket_at", "event_type", "command",
            "outcome", unique=True, postgresql_where=text("granularity <> 'raw'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    granularity: Mapped[str] = mapped_column(String(8), nullable=False, default="raw")
    bucket_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    event_type: Mapped[str] = mapped_column(String(32), nullable=False)
    command: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    outcome: Mapped[str] = mapped_column(String(32), nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    errors: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duration_ms_total: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    duration_ms_max: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(255))
