"""`inline_keyboard_cache`: payloads for buttons whose data will not fit in 64 bytes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from bot_gateway.db import Base
from shared.db import TenantMixin, TimestampMixin


class InlineKeyboardCache(TenantMixin, TimestampMixin, Base):
    """A keyboard's payload and callback context, addressed by a short key."""

    __tablename__ = "inline_keyboard_cache"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    keyboard: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    context: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    entity_type: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
