"""The service's declarative base: every domain's models register on its metadata."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.db import make_metadata


class Base(DeclarativeBase):
    """The Integration Service's tables (the project's constraint naming convention)."""

    metadata = make_metadata()
