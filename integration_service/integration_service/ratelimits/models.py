"""A configured request limit for one (service, endpoint) of a tenant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from integration_service.db import Base
from shared.db import TenantMixin, TimestampMixin

ANY_ENDPOINT = "*"


class ApiRateLimit(TenantMixin, TimestampMixin, Base):
    """At most `request_limit` calls per `window_seconds`; usage is a snapshot of Redis's count."""

    __tablename__ = "api_rate_limits"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "service", "endpoint", name="uq_api_rate_limits_tenant_service_endpoint"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service: Mapped[str] = mapped_column(String(100), nullable=False)
    endpoint: Mapped[str] = mapped_column(String(255), nullable=False, default=ANY_ENDPOINT)
    request_limit: Mapped[int] = mapped_column(Integer, nullable=False)
    window_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=60, server_default="60")
    # The seed's schema kept usage here; Redis holds it (`RateLimits.read_usage`), and a read of the
    # limits writes nothing, so these two columns stay at their defaults.
    current_usage: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
