"""The service's declarative base; every domain's models register on it.

Importing this module imports every domain's models, so Alembic sees all tables.
"""

from __future__ import annotations

from shared.db import base_class

Base = base_class()


def load_all_models() -> None:
    """Import every domain's models so their tables are on `Base.metadata`."""
    import importlib
    import pkgutil

    import integration_service

    for module in pkgutil.iter_modules(integration_service.__path__):
        if module.ispkg and module.name != "migrations":
            try:
                importlib.import_module(f"integration_service.{module.name}.models")
            except ModuleNotFoundError as exc:
                if exc.name != f"integration_service.{module.name}.models":
                    raise
