"""Dispatch: each tenant's auto-assignment switch, photos on comments, executors' last assignments.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dispatch_settings',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('auto_assign', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_dispatch_settings'))
    )
    # Comments written before had no photos: an empty list, never null.
    op.add_column('request_comments', sa.Column('media', postgresql.JSONB(astext_type=sa.Text()),
                                                server_default=sa.text("'[]'::jsonb"), nullable=False))
    op.create_index('ix_request_history_assigned', 'request_history',
                    ['tenant_id', 'new_executor_id', 'created_at'], unique=False,
                    postgresql_where=sa.text("action = 'assigned'"))


def downgrade() -> None:
    op.drop_index('ix_request_history_assigned', table_name='request_history')
    op.drop_column('request_comments', 'media')
    op.drop_table('dispatch_settings')
