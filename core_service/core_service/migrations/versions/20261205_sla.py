"""SLA: each tenant's calendar, pause statuses and per-urgency policies; each request's clocks.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLOCKS = ('reaction_due_at', 'reaction_risk_at', 'resolution_due_at', 'resolution_risk_at', 'reacted_at',
          'sla_paused_at', 'sla_due_at', 'sla_alert_at')


def upgrade() -> None:
    op.create_table('sla_settings',
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('working_hours', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('holidays', postgresql.ARRAY(sa.Date()), nullable=False),
    sa.Column('pause_statuses', postgresql.ARRAY(sa.String(length=16)), nullable=False),
    sa.Column('policies', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_sla_settings'))
    )
    # Requests filed before keep null clocks (no SLA status): their policy was never agreed.
    for column in CLOCKS:
        op.add_column('requests', sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_requests_sla_due', 'requests', ['tenant_id', 'sla_due_at', 'id'], unique=False,
                    postgresql_where=sa.text('sla_due_at IS NOT NULL AND sla_paused_at IS NULL'))
    op.create_index('ix_requests_sla_alert', 'requests', ['sla_alert_at'], unique=False,
                    postgresql_where=sa.text('sla_alert_at IS NOT NULL AND sla_paused_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_requests_sla_alert', table_name='requests')
    op.drop_index('ix_requests_sla_due', table_name='requests')
    for column in reversed(CLOCKS):
        op.drop_column('requests', column)
    op.drop_table('sla_settings')
