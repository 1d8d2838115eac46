"""Users: residents, executors, managers and admins of one tenant."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from core_service.db import Base, FetchDefaults
from shared.db import TenantMixin, TimestampMixin

ROLES = ("applicant", "executor", "manager", "admin")
STATUSES = ("pending", "active", "blocked")
LANGUAGES = ("ru", "uz")


def display_name(first: str | None, last: str | None, username: str | None, telegram_id: int) -> str:
    """First and last name, else username, else the Telegram id."""
    return " ".join(p for p in (first, last) if p) or username or str(telegram_id)


class User(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A person known by their Telegram id within a tenant."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "telegram_id"),
        Index("ix_users_roles", "roles", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    first_name: Mapped[str | None] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="ru")
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=lambda: ["applicant"])
    active_role: Mapped[str] = mapped_column(String(16), default="applicant")
    specializations: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    status: Mapped[str] = mapped_column(String(16), default="active")
    # Bumped by logout: access tokens carrying an older version stop working at once.
    token_version: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def name(self) -> str:
        """Display name: first and last name, else username, else the Telegram id."""
        return display_name(self.first_name, self.last_name, self.username, self.telegram_id)

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds any of `roles`."""
        return any(role in self.roles for role in roles)

    @property
    def is_staff(self) -> bool:
        """Managers and admins see and manage everything of their tenant."""
        return self.has_role("manager", "admin")
