"""Buildings' search key (one Latin spelling of the address) with a trigram index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core_service.buildings.search_key import search_key

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('buildings', sa.Column('search_key', sa.String(length=600), server_default='',
                                         nullable=False))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, address FROM buildings")).all()
    if rows:
        connection.execute(sa.text("UPDATE buildings SET search_key = :key WHERE id = :id"),
                           [{"id": row.id, "key": search_key(row.address)} for row in rows])
    # A PostgreSQL without the contrib modules (the embedded one) has no pg_trgm: search then
    # matches the key by substring only (docs/OPERATIONS.md says how to add the index later).
    if connection.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index('ix_buildings_search_key', 'buildings', ['search_key'], unique=False,
                        postgresql_using='gin', postgresql_ops={'search_key': 'gin_trgm_ops'})


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_buildings_search_key")
    op.drop_column('buildings', 'search_key')
