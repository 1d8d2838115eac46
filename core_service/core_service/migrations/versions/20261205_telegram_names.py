"""Telegram's names apart from the names the office sets.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('users', sa.Column('telegram_first_name', sa.String(length=128), nullable=True))
    op.add_column('users', sa.Column('telegram_last_name', sa.String(length=128), nullable=True))
    # Which stored names came from Telegram is unknown: each row keeps its name, and Telegram's
    # copy starts from it (the next sign-in refreshes that copy only).
    op.execute("UPDATE users SET telegram_first_name = first_name, telegram_last_name = last_name")


def downgrade() -> None:
    op.execute("UPDATE users SET first_name = coalesce(first_name, telegram_first_name), "
               "last_name = coalesce(last_name, telegram_last_name)")
    op.drop_column('users', 'telegram_last_name')
    op.drop_column('users', 'telegram_first_name')
