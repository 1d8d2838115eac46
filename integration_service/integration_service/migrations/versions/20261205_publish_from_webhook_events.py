"""Webhook events are published straight from their rows: the outbox table goes.

Events whose outbox row was still unpublished are queued again, so the worker publishes them
from `webhook_events` (nothing accepted is lost across the upgrade).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        UPDATE webhook_events SET status = 'received', next_attempt_at = now(), published_at = NULL
        WHERE status = 'processed' AND id IN (
            SELECT (payload -> 'data' ->> 'webhook_event_id')::uuid FROM outbox_events
            WHERE published_at IS NULL AND payload -> 'data' ->> 'webhook_event_id' IS NOT NULL
        )
        """
    )
    op.drop_index("ix_outbox_events_unpublished", table_name="outbox_events")
    op.drop_table("outbox_events")


def downgrade() -> None:
    # Empty: the rows published from `webhook_events` were marked there, not in an outbox.
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=False),
        sa.Column("stream", sa.String(length=255), nullable=True),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
    )
    op.create_index(
        "ix_outbox_events_unpublished", "outbox_events", ["id"], unique=False,
        postgresql_where=sa.text("published_at IS NULL"),
    )
