"""Initial schema: external services, integration logs, webhook configs and events, rate limits.

Revision ID: 0001
Revises:
Create Date: 2026-12-01 09:26:20.997138
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_rate_limits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=100), nullable=False),
        sa.Column("endpoint", sa.String(length=255), nullable=False),
        sa.Column("request_limit", sa.Integer(), nullable=False),
        sa.Column("window_seconds", sa.Integer(), server_default="60", nullable=False),
        sa.Column("current_usage", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reset_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_rate_limits")),
        sa.UniqueConstraint(
            "tenant_id", "service", "endpoint", name="uq_api_rate_limits_tenant_service_endpoint"
        ),
    )
    op.create_index(op.f("ix_api_rate_limits_tenant_id"), "api_rate_limits", ["tenant_id"], unique=False)
    op.create_table(
        "external_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("service_type", sa.String(length=50), nullable=False),
        sa.Column("base_url", sa.String(length=2048), nullable=False),
        sa.Column("api_key_encrypted", sa.Text(), nullable=True),
        sa.Column("health_url", sa.String(length=2048), nullable=True),
        sa.Column("health_status", sa.String(length=16), server_default="unknown", nullable=False),
        sa.Column("last_health_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_health_error", sa.Text(), nullable=True),
        sa.Column("last_health_latency_ms", sa.Float(), nullable=True),
        sa.Column("rate_limit_per_minute", sa.Integer(), nullable=True),
        sa.Column(
            "config",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_services")),
        sa.UniqueConstraint("tenant_id", "name", name="uq_external_services_tenant_name"),
    )
    op.create_index(op.f("ix_external_services_tenant_id"), "external_services", ["tenant_id"], unique=False)
    op.create_table(
        "integration_logs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("service", sa.String(length=100), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("correlation_id", sa.String(length=64), nullable=True),
        sa.Column("attempt", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_logs")),
    )
    op.create_index("ix_integration_logs_created_at", "integration_logs", ["created_at"], unique=False)
    op.create_index(
        "ix_integration_logs_tenant_created", "integration_logs", ["tenant_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_integration_logs_tenant_service_created",
        "integration_logs",
        ["tenant_id", "service", "created_at"],
        unique=False,
    )
    op.create_table(
        "webhook_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=True),
        sa.Column("signature_scheme", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=255), nullable=True),
        sa.Column(
            "event_types",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("max_attempts", sa.Integer(), server_default="8", nullable=False),
        sa.Column("rate_limit_per_minute", sa.Integer(), server_default="12000", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_configs")),
    )
    op.create_index("ix_webhook_configs_channel_id", "webhook_configs", ["channel_id"], unique=False)
    op.create_index(
        "ix_webhook_configs_lookup", "webhook_configs", ["tenant_id", "source", "is_active"], unique=False
    )
    op.create_index(op.f("ix_webhook_configs_tenant_id"), "webhook_configs", ["tenant_id"], unique=False)
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="received", nullable=False),
        sa.Column("raw_body", sa.LargeBinary(), nullable=False),
        sa.Column(
            "headers",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("source_ip", sa.String(length=64), nullable=True),
        sa.Column("signature_valid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("signature_scheme", sa.String(length=32), nullable=True),
        sa.Column("config_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("max_attempts", sa.Integer(), server_default="8", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "errors",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("processing_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ingest_ms", sa.Float(), nullable=True),
        sa.Column("correlation_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status IN ('received', 'processing', 'processed', 'failed', 'dead', 'filtered')",
            name=op.f("ck_webhook_events_status"),
        ),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["webhook_configs.id"],
            name=op.f("fk_webhook_events_config_id_webhook_configs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint("tenant_id", "source", "event_id", name="uq_webhook_events_tenant_source_event"),
    )
    op.create_index("ix_webhook_events_claim", "webhook_events", ["status", "next_attempt_at"], unique=False)
    op.create_index("ix_webhook_events_listing", "webhook_events", ["tenant_id", "received_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_webhook_events_listing", table_name="webhook_events")
    op.drop_index("ix_webhook_events_claim", table_name="webhook_events")
    op.drop_table("webhook_events")
    op.drop_index(op.f("ix_webhook_configs_tenant_id"), table_name="webhook_configs")
    op.drop_index("ix_webhook_configs_lookup", table_name="webhook_configs")
    op.drop_index("ix_webhook_configs_channel_id", table_name="webhook_configs")
    op.drop_table("webhook_configs")
    op.drop_index("ix_integration_logs_tenant_service_created", table_name="integration_logs")
    op.drop_index("ix_integration_logs_tenant_created", table_name="integration_logs")
    op.drop_index("ix_integration_logs_created_at", table_name="integration_logs")
    op.drop_table("integration_logs")
    op.drop_index(op.f("ix_external_services_tenant_id"), table_name="external_services")
    op.drop_table("external_services")
    op.drop_index(op.f("ix_api_rate_limits_tenant_id"), table_name="api_rate_limits")
    op.drop_table("api_rate_limits")
