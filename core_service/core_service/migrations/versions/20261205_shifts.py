"""Shifts: templates of working hours per specialization and the shifts of each executor.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('shift_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('specialization', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('start', sa.String(length=5), nullable=False),
    sa.Column('end', sa.String(length=5), nullable=False),
    sa.Column('weekdays', postgresql.ARRAY(sa.String(length=3)), nullable=False),
    sa.Column('days_on', sa.Integer(), nullable=True),
    sa.Column('days_off', sa.Integer(), nullable=True),
    sa.Column('cycle_start', sa.Date(), nullable=True),
    sa.Column('executor_ids', postgresql.ARRAY(sa.Integer()), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_templates'))
    )
    op.create_index(op.f('ix_shift_templates_tenant_id'), 'shift_templates', ['tenant_id'], unique=False)
    op.create_table('shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('executor_id', sa.Integer(), nullable=False),
    sa.Column('specialization', sa.String(length=32), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handover_to_id', sa.Integer(), nullable=True),
    sa.Column('handover_state', sa.String(length=9), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['shift_templates.id'],
                            name=op.f('fk_shifts_template_id_shift_templates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['executor_id'], ['users.id'], name=op.f('fk_shifts_executor_id_users'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handover_to_id'], ['users.id'], name=op.f('fk_shifts_handover_to_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts'))
    )
    op.create_index(op.f('ix_shifts_tenant_id'), 'shifts', ['tenant_id'], unique=False)
    op.create_index('ix_shifts_executor_time', 'shifts', ['tenant_id', 'executor_id', 'starts_at'], unique=False)
    op.create_index('ix_shifts_specialization_time', 'shifts', ['tenant_id', 'specialization', 'starts_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_shifts_specialization_time', table_name='shifts')
    op.drop_index('ix_shifts_executor_time', table_name='shifts')
    op.drop_index(op.f('ix_shifts_tenant_id'), table_name='shifts')
    op.drop_table('shifts')
    op.drop_index(op.f('ix_shift_templates_tenant_id'), table_name='shift_templates')
    op.drop_table('shift_templates')
