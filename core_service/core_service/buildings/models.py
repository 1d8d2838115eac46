"""Apartment buildings the company manages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core_service.db import Base, FetchDefaults
from shared.db import TenantMixin, TimestampMixin


class Building(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A building; coordinates come from the Integration Service, possibly later."""

    __tablename__ = "buildings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(300))
    entrances: Mapped[int] = mapped_column(Integer, default=1)
    floors: Mapped[int] = mapped_column(Integer, default=1)
    apartments: Mapped[int] = mapped_column(Integer, default=1)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    formatted_address: Mapped[str | None] = mapped_column(String(500))
    geocode_attempts: Mapped[int] = mapped_column(Integer, default=0)
    geocoded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Deleted buildings stay so that old requests keep their address.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
