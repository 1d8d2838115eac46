"""The Core Service's declarative base, and the mixin its models share."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.db import make_metadata


class Base(DeclarativeBase):
    """The declarative base of the Core Service (`core_service.models` loads every table on it)."""

    metadata = make_metadata()


class FetchDefaults:
    """Server-set columns (`updated_at` on UPDATE too) come back by RETURNING on flush, not lazily."""

    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy reads this attribute
