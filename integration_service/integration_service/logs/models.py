"""One row per outbound HTTP call (URL secrets redacted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from integration_service.db import Base
from shared.db import DEFAULT_TENANT


class IntegrationLog(Base):
    """An outbound call: who was called, how, the answer and how long it took."""

    __tablename__ = "integration_logs"
    __table_args__ = (
        Index("ix_integration_logs_tenant_created", "tenant_id", "created_at"),
        Index("ix_integration_logs_tenant_service_created", "tenant_id", "service", "created_at"),
        # Retention deletes by age across tenants.
        Index("ix_integration_logs_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64), nullable=False, default=DEFAULT_TENANT)
    service: Mapped[str] = mapped_column(String(100), nullable=False)
    method: Mapped[str] = mapped_column(String(10), nullable=False)
    url: Mapped[str] = mapped_column(Text, nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration_ms: Mapped[float] = mapped_column(Float, nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    correlation_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
