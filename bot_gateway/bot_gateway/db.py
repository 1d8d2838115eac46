"""The bot gateway's declarative base (one per service, with the shared naming convention)."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import make_metadata


class Base(DeclarativeBase):
    """Every bot gateway table derives from this."""

    metadata = make_metadata()
