"""A resident's own residencies by index: the bot lists them on most of a resident's actions.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 02:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_residencies_tenant_user', 'residencies', ['tenant_id', 'user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_residencies_tenant_user', table_name='residencies')
