"""Single-use invite links that give a role to whoever redeems them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core_service.db import Base, FetchDefaults
from core_service.users.models import User
from shared.db import TenantMixin, TimestampMixin


class Invite(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """An invite: only the sha256 of its token is stored, so the table cannot be replayed."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    specializations: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id], lazy="raise")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="raise")

    @property
    def state(self) -> str:
        """`used` once redeemed, else `expired` past its time, else `active`."""
        if self.used_at is not None:
            return "used"
        return "expired" if self.expires_at <= datetime.now(UTC) else "active"
