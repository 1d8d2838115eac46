"""Users: residents, executors, managers and admins of one tenant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core_service.db import Base, FetchDefaults
from shared.db import TenantMixin, TimestampMixin

ROLES = ("applicant", "executor", "manager", "admin")
STATUSES = ("pending", "active", "blocked")
LANGUAGES = ("ru", "uz")
# The columns `display_name` reads, in its order (request lists select them by name).
NAME_COLUMNS = ("first_name", "last_name", "telegram_first_name", "telegram_last_name", "username")


def display_name(names: Sequence[str | None], telegram_id: int) -> str:
    """From `names` (NAME_COLUMNS' values): the office's names, else Telegram's, else the username,
    else the Telegram id."""
    first, last, telegram_first, telegram_last, username = names
    office = " ".join(p for p in (first, last) if p)
    telegram = " ".join(p for p in (telegram_first, telegram_last) if p)
    return office or telegram or username or str(telegram_id)


class User(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """A person known by their Telegram id within a tenant."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "telegram_id"),
        Index("ix_users_roles", "roles", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    # The names the office (or the user through the API) set; they win over Telegram's.
    first_name: Mapped[str | None] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    # What Telegram says at each sign-in; shown only while the office has set no name.
    telegram_first_name: Mapped[str | None] = mapped_column(String(128))
    telegram_last_name: Mapped[str | None] = mapped_column(String(128))
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
        """Display name: the office's names, else Telegram's, else username, else the Telegram id."""
        return display_name([getattr(self, column) for column in NAME_COLUMNS], self.telegram_id)

    @property
    def office_named(self) -> bool:
        """Whether the office (or the user through the API) set a name: Telegram's is then not shown."""
        return bool(self.first_name or self.last_name)

    @property
    def shown_first_name(self) -> str | None:
        """The first name as shown: the office's when it set a name, else Telegram's."""
        return self.first_name if self.office_named else self.telegram_first_name

    @property
    def shown_last_name(self) -> str | None:
        """The last name as shown: the office's when it set a name, else Telegram's."""
        return self.last_name if self.office_named else self.telegram_last_name

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds any of `roles`."""
        return any(role in self.roles for role in roles)

    @property
    def is_staff(self) -> bool:
        """Managers and admins see and manage everything of their tenant."""
        return self.has_role("manager", "admin")


class UserHistory(FetchDefaults, TenantMixin, TimestampMixin, Base):
    """One administrative change of a user: roles, blocking, approval, an invite, a residency decision."""

    __tablename__ = "user_history"
    __table_args__ = (Index("ix_user_history_user", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise")
