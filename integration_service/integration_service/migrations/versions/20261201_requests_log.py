"""Requests log: per-tenant spreadsheet configuration and each request's applied state.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:10:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _common() -> list[sa.Column[Any]]:
    return [
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "requests_log_configs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("spreadsheet_id", sa.String(length=128), nullable=False),
        sa.Column("worksheet", sa.String(length=100), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="true", nullable=False),
        *_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests_log_configs")),
        sa.UniqueConstraint("tenant_id", name="uq_requests_log_configs_tenant"),
    )
    op.create_index(op.f("ix_requests_log_configs_tenant_id"), "requests_log_configs", ["tenant_id"])
    op.create_table(
        "requests_log_entries",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("request_number", sa.String(length=32), nullable=False),
        sa.Column("columns", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("synced", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("events_applied", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True),
        *_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests_log_entries")),
        sa.UniqueConstraint("tenant_id", "request_number", name="uq_requests_log_entries_number"),
    )
    op.create_index(op.f("ix_requests_log_entries_tenant_id"), "requests_log_entries", ["tenant_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_requests_log_entries_tenant_id"), table_name="requests_log_entries")
    op.drop_table("requests_log_entries")
    op.drop_index(op.f("ix_requests_log_configs_tenant_id"), table_name="requests_log_configs")
    op.drop_table("requests_log_configs")
