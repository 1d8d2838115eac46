"""Alembic environment: async migrations of the Core Service database."""

from core_service.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
