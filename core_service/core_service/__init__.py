"""Auth, users, buildings and the request lifecycle."""

from pathlib import Path

# The Alembic scripts (`python -m core_service migrate`, and other members' tests, upgrade with them).
MIGRATIONS = Path(__file__).parent / "migrations"
