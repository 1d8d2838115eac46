"""Apartment buildings the company manages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from core_service.buildings.search_key import search_key
from core_service.db import Base, FetchDefaults
from shared.db import TenantMixin, TimestampMixin


class Building(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A building; coordinates come from the Integration Service, possibly later."""

    __tablename__ = "buildings"
    __table_args__ = (
        # Trigram index for search (pg_trgm): substring and similarity matches over the key.
        Index("ix_buildings_search_key", "search_key", postgresql_using="gin",
              postgresql_ops={"search_key": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(300))
    # The address in the one Latin spelling search compares; set with every address.
    search_key: Mapped[str] = mapped_column(String(600), server_default="")
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

    @validates("address")
    def _keep_search_key(self, _: str, address: str) -> str:
        self.search_key = search_key(address)
        return address
