"""Acceptance follow-up: when completed work's resident is next reminded or accepted for.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('requests', sa.Column('acceptance_due_at', sa.DateTime(timezone=True), nullable=True))
    # Work already completed waits a day from its completion, like work completed from now on.
    op.execute("UPDATE requests SET acceptance_due_at = COALESCE(completed_at, updated_at) + interval '1 day'"
               " WHERE status = 'completed'")
    op.create_index('ix_requests_acceptance_due', 'requests', ['acceptance_due_at'], unique=False,
                    postgresql_where=sa.text('acceptance_due_at IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_requests_acceptance_due', table_name='requests')
    op.drop_column('requests', 'acceptance_due_at')
