"""Webhook events keep the trace context of the request that received them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: adding it rewrites nothing, whatever the table's size.
    op.add_column("webhook_events", sa.Column("traceparent", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("webhook_events", "traceparent")
