"""A tenant's dispatch settings: one row, or none while the tenant keeps the defaults."""

from __future__ import annotations

from sqlalchemy import Boolean, String, false
from sqlalchemy.orm import Mapped, mapped_column

from core_service.db import Base, FetchDefaults
from shared.db import TimestampMixin


class DispatchSettings(FetchDefaults, TimestampMixin, Base):
    """Whether a new request is assigned at once to the routed executor with the fewest open requests."""

    __tablename__ = "dispatch_settings"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    auto_assign: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
