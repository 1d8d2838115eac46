"""Initial tables: bot_sessions, bot_commands, inline_keyboard_cache, bot_metrics; seeded commands.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-01 09:25:07.094608

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('bot_commands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('command', sa.String(length=32), nullable=False),
    sa.Column('descriptions', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('roles', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('core_endpoint', sa.String(length=255), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('usage_count', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bot_commands')),
    sa.UniqueConstraint('tenant_id', 'command', name=op.f('uq_bot_commands_tenant_id_command'))
    )
    op.create_index(op.f('ix_bot_commands_tenant_id'), 'bot_commands', ['tenant_id'], unique=False)
    op.create_table('bot_metrics',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('granularity', sa.String(length=8), nullable=False),
    sa.Column('bucket_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event_type', sa.String(length=32), nullable=False),
    sa.Column('command', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('duration_ms_total', sa.Float(), nullable=False),
    sa.Column('duration_ms_max', sa.Float(), nullable=False),
    sa.Column('telegram_id', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.String(length=255), nullable=True),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bot_metrics'))
    )
    op.create_index('ix_bot_metrics_granularity_bucket', 'bot_metrics', ['granularity', 'bucket_at'], unique=False)
    op.create_index(op.f('ix_bot_metrics_tenant_id'), 'bot_metrics', ['tenant_id'], unique=False)
    op.create_index('uq_bot_metrics_rollup', 'bot_metrics', ['tenant_id', 'granularity', 'bucket_at', 'event_type', 'command', 'outcome'], unique=True, postgresql_where=sa.text("granularity <> 'raw'"))
    op.create_table('bot_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bot_id', sa.BigInteger(), nullable=False),
    sa.Column('telegram_id', sa.BigInteger(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('core_user_id', sa.String(length=64), nullable=False),
    sa.Column('access_token', sa.Text(), nullable=False),
    sa.Column('refresh_token', sa.Text(), nullable=False),
    sa.Column('access_expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('roles', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('user_data', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('fsm_state', sa.String(length=128), nullable=True),
    sa.Column('fsm_data', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bot_sessions')),
    sa.UniqueConstraint('tenant_id', 'bot_id', 'telegram_id', name=op.f('uq_bot_sessions_tenant_id_bot_id_telegram_id'))
    )
    op.create_index(op.f('ix_bot_sessions_expires_at'), 'bot_sessions', ['expires_at'], unique=False)
    op.create_index(op.f('ix_bot_sessions_telegram_id'), 'bot_sessions', ['telegram_id'], unique=False)
    op.create_index(op.f('ix_bot_sessions_tenant_id'), 'bot_sessions', ['tenant_id'], unique=False)
    op.create_table('inline_keyboard_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('telegram_id', sa.BigInteger(), nullable=True),
    sa.Column('keyboard', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('context', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('entity_type', sa.String(length=32), nullable=True),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inline_keyboard_cache')),
    sa.UniqueConstraint('key', name=op.f('uq_inline_keyboard_cache_key'))
    )
    op.create_index(op.f('ix_inline_keyboard_cache_expires_at'), 'inline_keyboard_cache', ['expires_at'], unique=False)
    op.create_index(op.f('ix_inline_keyboard_cache_telegram_id'), 'inline_keyboard_cache', ['telegram_id'], unique=False)
    op.create_index(op.f('ix_inline_keyboard_cache_tenant_id'), 'inline_keyboard_cache', ['tenant_id'], unique=False)
    _seed_commands()


# A frozen copy of the first commands; later ones are added by the service at start-up.
_ALL = ["applicant", "executor", "manager", "admin"]
_COMMANDS = [
    ("start", {"ru": "Начать работу с ботом", "uz": "Bot bilan ishlashni boshlash"}, _ALL, "/api/v1/auth/telegram", 1),
    ("menu", {"ru": "Главное меню", "uz": "Asosiy menyu"}, _ALL, None, 2),
    ("help", {"ru": "Помощь", "uz": "Yordam"}, _ALL, None, 3),
    ("language", {"ru": "Сменить язык", "uz": "Tilni oʻzgartirish"}, _ALL, "/api/v1/users/{id}", 4),
    ("cancel", {"ru": "Отменить текущее действие", "uz": "Joriy amalni bekor qilish"}, _ALL, None, 5),
]


def _seed_commands() -> None:
    table = sa.table(
        "bot_commands", sa.column("tenant_id"), sa.column("command"), sa.column("descriptions", postgresql.JSONB),
        sa.column("roles", postgresql.JSONB), sa.column("core_endpoint"), sa.column("position"),
        sa.column("enabled"), sa.column("usage_count"),
    )
    op.bulk_insert(table, [
        {"tenant_id": "default", "command": c, "descriptions": d, "roles": r, "core_endpoint": e,
         "position": p, "enabled": True, "usage_count": 0}
        for c, d, r, e, p in _COMMANDS
    ])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_inline_keyboard_cache_tenant_id'), table_name='inline_keyboard_cache')
    op.drop_index(op.f('ix_inline_keyboard_cache_telegram_id'), table_name='inline_keyboard_cache')
    op.drop_index(op.f('ix_inline_keyboard_cache_expires_at'), table_name='inline_keyboard_cache')
    op.drop_table('inline_keyboard_cache')
    op.drop_index(op.f('ix_bot_sessions_tenant_id'), table_name='bot_sessions')
    op.drop_index(op.f('ix_bot_sessions_telegram_id'), table_name='bot_sessions')
    op.drop_index(op.f('ix_bot_sessions_expires_at'), table_name='bot_sessions')
    op.drop_table('bot_sessions')
    op.drop_index('uq_bot_metrics_rollup', table_name='bot_metrics', postgresql_where=sa.text("granularity <> 'raw'"))
    op.drop_index(op.f('ix_bot_metrics_tenant_id'), table_name='bot_metrics')
    op.drop_index('ix_bot_metrics_granularity_bucket', table_name='bot_metrics')
    op.drop_table('bot_metrics')
    op.drop_index(op.f('ix_bot_commands_tenant_id'), table_name='bot_commands')
    op.drop_table('bot_commands')
