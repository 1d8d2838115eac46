"""Residents' apartments (residencies and their questions), invites and users' history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('specializations', postgresql.ARRAY(sa.String(length=32)), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invites_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_invites_used_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invites')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invites_token_hash'))
    )
    op.create_index(op.f('ix_invites_tenant_id'), 'invites', ['tenant_id'], unique=False)
    op.create_table('residencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('apartment', sa.Integer(), nullable=False),
    sa.Column('entrance', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('document_file_id', sa.String(length=256), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_residencies_building_id_buildings')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_residencies_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_residencies_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_residencies'))
    )
    op.create_index('ix_residencies_building_apartment', 'residencies', ['building_id', 'apartment'], unique=False)
    op.create_index(op.f('ix_residencies_tenant_id'), 'residencies', ['tenant_id'], unique=False)
    op.create_index('ix_residencies_tenant_status', 'residencies', ['tenant_id', 'status', 'created_at'], unique=False)
    op.create_index('uq_residencies_live', 'residencies', ['user_id', 'building_id', 'apartment'], unique=True, postgresql_where=sa.text("status IN ('pending', 'active')"))
    op.create_table('user_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_user_history_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_history_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_history'))
    )
    op.create_index(op.f('ix_user_history_tenant_id'), 'user_history', ['tenant_id'], unique=False)
    op.create_index('ix_user_history_user', 'user_history', ['user_id', 'created_at'], unique=False)
    op.create_table('residency_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('residency_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_residency_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['residency_id'], ['residencies.id'], name=op.f('fk_residency_messages_residency_id_residencies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_residency_messages'))
    )
    op.create_index(op.f('ix_residency_messages_residency_id'), 'residency_messages', ['residency_id'], unique=False)
    op.create_index(op.f('ix_residency_messages_tenant_id'), 'residency_messages', ['tenant_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_residency_messages_tenant_id'), table_name='residency_messages')
    op.drop_index(op.f('ix_residency_messages_residency_id'), table_name='residency_messages')
    op.drop_table('residency_messages')
    op.drop_index('ix_user_history_user', table_name='user_history')
    op.drop_index(op.f('ix_user_history_tenant_id'), table_name='user_history')
    op.drop_table('user_history')
    op.drop_index('uq_residencies_live', table_name='residencies', postgresql_where=sa.text("status IN ('pending', 'active')"))
    op.drop_index('ix_residencies_tenant_status', table_name='residencies')
    op.drop_index(op.f('ix_residencies_tenant_id'), table_name='residencies')
    op.drop_index('ix_residencies_building_apartment', table_name='residencies')
    op.drop_table('residencies')
    op.drop_index(op.f('ix_invites_tenant_id'), table_name='invites')
    op.drop_table('invites')
