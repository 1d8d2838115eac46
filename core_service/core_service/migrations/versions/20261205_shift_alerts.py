"""Shift alerts: late shifts flagged once, each specialization's next day checked for gaps once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('shifts', sa.Column('late_flagged_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_shifts_late', 'shifts', ['starts_at'], unique=False,
                    postgresql_where=sa.text("status = 'planned' AND late_flagged_at IS NULL"))
    op.create_table('shift_coverage_checks',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('specialization', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('gaps', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', 'specialization', 'day', name=op.f('pk_shift_coverage_checks'))
    )


def downgrade() -> None:
    op.drop_table('shift_coverage_checks')
    op.drop_index('ix_shifts_late', table_name='shifts')
    op.drop_column('shifts', 'late_flagged_at')
