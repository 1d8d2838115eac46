"""Residencies (a user's binding to an apartment of a building) and the questions about them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core_service.buildings.models import Building
from core_service.db import Base, FetchDefaults
from core_service.users.models import User
from shared.db import TenantMixin, TimestampMixin

STATUSES = ("pending", "active", "rejected")
# The statuses in which a binding holds its apartment (one per user, building and apartment).
LIVE = ("pending", "active")


class Residency(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A user living in (or asking to be recognised in) one apartment of a building."""

    __tablename__ = "residencies"
    __table_args__ = (
        Index("uq_residencies_live", "user_id", "building_id", "apartment", unique=True,
              postgresql_where=text("status IN ('pending', 'active')")),
        Index("ix_residencies_tenant_status", "tenant_id", "status", "created_at"),
        Index("ix_residencies_building_apartment", "building_id", "apartment"),
        # A resident's own list (the bot asks for it on most of their actions).
        Index("ix_residencies_tenant_user", "tenant_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
    apartment: Mapped[int] = mapped_column(Integer)
    entrance: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # A Telegram photo file id of a document proving the residency.
    document_file_id: Mapped[str | None] = mapped_column(String(256))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")
    building: Mapped[Building] = relationship(lazy="raise")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="raise")
    messages: Mapped[list[ResidencyMessage]] = relationship(
        lazy="raise", order_by="ResidencyMessage.id", cascade="all, delete-orphan"
    )


class ResidencyMessage(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A staff question about a pending residency, or its owner's answer."""

    __tablename__ = "residency_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    residency_id: Mapped[int] = mapped_column(ForeignKey("residencies.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)

    author: Mapped[User | None] = relationship(lazy="raise")
