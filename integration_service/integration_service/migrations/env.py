"""Alembic environment: async migrations of the Integration Service database."""

from integration_service.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
