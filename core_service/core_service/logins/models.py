"""Console sign-ins: one row per nonce a browser waits on, decided once in the bot, claimed once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core_service.db import Base, FetchDefaults
from shared.db import TenantMixin, TimestampMixin


class ConsoleLogin(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A sign-in the console waits on: only the sha256 of its nonce is stored, so the table cannot
    be replayed; `user_id` is whoever confirmed or declined it."""

    __tablename__ = "console_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    browser: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    declined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def state(self) -> str:
        """`claimed`, `declined`, `confirmed`, else `expired` past its time, else `pending`."""
        if self.claimed_at is not None:
            return "claimed"
        if self.declined_at is not None:
            return "declined"
        if self.confirmed_at is not None:
            return "confirmed"
        return "expired" if self.expires_at <= datetime.now(UTC) else "pending"
