"""SLA at risk: each request's at-risk time still to announce, and the index its scan reads.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('requests', sa.Column('sla_risk_alert_at', sa.DateTime(timezone=True), nullable=True))
    # Open requests whose running clock is not yet at risk are warned when it is; older ones are not.
    op.execute("UPDATE requests SET sla_risk_alert_at = CASE WHEN status = 'new' THEN reaction_risk_at"
               " ELSE resolution_risk_at END"
               " WHERE status NOT IN ('completed', 'accepted', 'cancelled') AND reaction_due_at IS NOT NULL"
               " AND CASE WHEN status = 'new' THEN reaction_risk_at ELSE resolution_risk_at END > now()")
    op.create_index('ix_requests_sla_risk_alert', 'requests', ['sla_risk_alert_at'], unique=False,
                    postgresql_where=sa.text('sla_risk_alert_at IS NOT NULL AND sla_paused_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_requests_sla_risk_alert', table_name='requests')
    op.drop_column('requests', 'sla_risk_alert_at')
