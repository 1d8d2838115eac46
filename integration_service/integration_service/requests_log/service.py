"""The requests log: each tenant's configuration, and applying one core event to its log,
idempotently and in any order."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import Counter
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_service.logs.context import use_tenant
from integration_service.requests_log import columns
from integration_service.requests_log.models import RequestsLogConfig, RequestsLogEntry
from integration_service.requests_log.schemas import ConfigIn
from integration_service.requests_log.sheet_row import write_row
from integration_service.sheets.limits import wait_up_to
from integration_service.sheets.service import Sheets
from shared.events import Envelope

log = logging.getLogger("requests_log")
# The consumer is background work: it queues for the 60/min quota instead of failing the entry, so
# a burst of events is written late rather than dead-lettered after a few refused deliveries.
LIMITER_PATIENCE_SECONDS = 120.0
EVENTS = Counter("requests_log_events_total", "Core events seen by the requests log", ["outcome"])


async def save_config(session: AsyncSession, tenant: str, body: ConfigIn) -> RequestsLogConfig:
    """Create or replace the tenant's configuration."""
    upsert = insert(RequestsLogConfig).values(**body.model_dump(), tenant_id=tenant).on_conflict_do_update(
        constraint="uq_requests_log_configs_tenant", set_=body.model_dump(),
    ).returning(RequestsLogConfig)
    row: RequestsLogConfig | None = await session.scalar(upsert,
                                                         execution_options={"populate_existing": True})
    assert row is not None
    return row


async def get_config(session: AsyncSession, tenant: str) -> RequestsLogConfig | None:
    """The tenant's configuration, if any."""
    return await session.scalar(select(RequestsLogConfig).where(RequestsLogConfig.tenant_id == tenant))


async def progress(session: AsyncSession, tenant: str) -> tuple[int, datetime | None]:
    """How many requests the tenant's spreadsheet shows, and the time of the newest event applied."""
    count, last = (await session.execute(
        select(func.count(), func.max(RequestsLogEntry.last_event_at))
        .where(RequestsLogEntry.tenant_id == tenant, RequestsLogEntry.synced.is_(True)))).one()
    return int(count), last


async def delete_config(session: AsyncSession, tenant: str) -> bool:
    """Stop logging the tenant's requests; whether a configuration existed."""
    result = await session.execute(delete(RequestsLogConfig).where(RequestsLogConfig.tenant_id == tenant)
                                   .returning(RequestsLogConfig.id))
    return result.first() is not None


class SheetsNotConfigured(RuntimeError):
    """A tenant has a log configured but the service has no service account: retry, then dead-letter."""


@dataclass
class RequestsLog:
    """The stream handler; without a Sheets adapter, configured tenants' events fail (and retry)."""

    sessionmaker: async_sessionmaker[AsyncSession]
    sheets: Sheets | None

    async def handle(self, envelope: Envelope) -> None:
        """Merge the event into the request's row and write the row when anything changed."""
        kind = envelope.event_type.removeprefix("core.")
        number = str(envelope.data.get("number") or envelope.data.get("request_number") or "")
        if kind not in columns.EVENTS or not number:
            EVENTS.labels("ignored").inc()
            return
        changes = columns.changes_of(kind, envelope.data, envelope.occurred_at)
        tenant = envelope.tenant_id
        with use_tenant(tenant), wait_up_to(LIMITER_PATIENCE_SECONDS):
            async with self.sessionmaker() as session, session.begin():
                config = await session.scalar(select(RequestsLogConfig).where(
                    RequestsLogConfig.tenant_id == tenant, RequestsLogConfig.is_active.is_(True)))
                if config is None or not changes:
                    EVENTS.labels("ignored").inc()
                    return
                entry = await _locked_entry(session, tenant, number)
                merged = columns.merge(entry.columns, changes, envelope.occurred_at, envelope.event_id)
                if merged is None and entry.synced:
                    log.info("requests log: event already applied or superseded",
                             extra={"event_id": envelope.event_id, "number": number})
                    EVENTS.labels("superseded").inc()
                    return
                before = columns.row_values(number, entry.columns)
                entry.columns = merged or entry.columns
                entry.events_applied += 1
                entry.last_event_at = max(filter(None, [entry.last_event_at, envelope.occurred_at]))
                sheets = self.sheets
                if sheets is None:
                    raise SheetsNotConfigured("requests log configured but Google Sheets is not")
                # Written while the row lock is held, so two instances never append one request twice.
                row = columns.row_values(number, entry.columns)
                changed = [i for i, (old, new) in enumerate(zip(before, row, strict=True)) if old != new]
                await write_row(sheets, tenant, config.spreadsheet_id, config.worksheet, number, row,
                                changed or list(range(len(row))))
                entry.synced = True
        EVENTS.labels("applied").inc()


async def _locked_entry(session: AsyncSession, tenant: str, number: str) -> RequestsLogEntry:
    """The request's entry, created if new, locked until the transaction ends."""
    await session.execute(insert(RequestsLogEntry).values(
        tenant_id=tenant, request_number=number, columns={}, synced=False, events_applied=0,
    ).on_conflict_do_nothing(constraint="uq_requests_log_entries_number"))
    entry = await session.scalar(select(RequestsLogEntry).where(
        RequestsLogEntry.tenant_id == tenant, RequestsLogEntry.request_number == number,
    ).with_for_update().execution_options(populate_existing=True))
    assert entry is not None
    return entry
