"""Alembic environment: async migrations of the Core Service database."""

from core_service.models import Base, load_all_models
from shared.migrations import run_env

load_all_models()
run_env(Base.metadata)
