"""The service's declarative base; every domain's models register on it."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from shared.db import base_class

if TYPE_CHECKING:  # mypy cannot follow a class made by a factory
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):
        """The declarative base of the Core Service."""

else:
    Base = base_class()



class FetchDefaults:
    """Server-set columns (`updated_at` on UPDATE too) come back by RETURNING on flush, not lazily."""

    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy reads this attribute


DOMAINS = ("users", "auth", "buildings", "requests", "events")


def load_all_models() -> None:
    """Import every domain's models so their tables are on `Base.metadata`."""
    for name in DOMAINS:
        importlib.import_module(f"core_service.{name}.models")
