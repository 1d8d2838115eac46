"""Announcements to residents and the per-recipient delivery rows the bot works through."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core_service.db import Base, FetchDefaults
from core_service.users.models import User
from shared.db import TenantMixin, TimestampMixin

STATUSES = ("sending", "done")
# A recipient row is `pending` (possibly leased to a bot worker) until the bot reports an outcome.
OUTCOMES = ("sent", "failed", "blocked")


class Announcement(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A message from the office to an audience of residents; `sending` until every row is reported."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_tenant_created", "tenant_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # {"ru": ..., "uz": ...}: at least one of the two.
    texts: Mapped[dict[str, str]] = mapped_column(JSONB)
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    audience: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), default="sending")
    # Counters kept in the transactions that write the rows, so reading them never scans the rows.
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    blocked: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    author: Mapped[User] = relationship(lazy="raise")

    @property
    def pending(self) -> int:
        """Recipients not reported yet (waiting or leased to a bot worker)."""
        return self.recipients - self.sent - self.failed - self.blocked


class AnnouncementRecipient(Base):
    """One resident to send an announcement to, and what became of it."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (
        UniqueConstraint("announcement_id", "user_id"),
        # The claim walks only pending rows, oldest announcement first: an index scan in claim order.
        Index("ix_announcement_recipients_pending", "tenant_id", "announcement_id", "id",
              postgresql_where=text("state = 'pending'")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), server_default="pending")
    # Until when a bot worker holds the row; past it the row is claimable again.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claims: Mapped[int] = mapped_column(Integer, server_default="0")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
