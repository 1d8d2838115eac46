"""`bot_commands`: the commands the bot registers, per language and role."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from bot_gateway.db import Base
from shared.db import TenantMixin, TimestampMixin


class BotCommand(TenantMixin, TimestampMixin, Base):
    """One command: descriptions per language, roles allowed, the Core endpoint it routes to."""

    __tablename__ = "bot_commands"
    __table_args__ = (UniqueConstraint("tenant_id", "command"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    command: Mapped[str] = mapped_column(String(32), nullable=False)
    descriptions: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    roles: Mapped[list[str]] = mapped_column(JSONB, nullable=False, default=list)
    core_endpoint: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    usage_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
