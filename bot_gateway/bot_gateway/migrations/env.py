"""Alembic environment for the bot gateway."""

from bot_gateway.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
