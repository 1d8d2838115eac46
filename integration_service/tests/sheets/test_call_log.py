"""Every Sheets call, retries included, is a row of `integration_logs` for the caller's tenant."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from integration_service.lifecycle import resources_of
from integration_service.logs.models import IntegrationLog
from telegram_emulator.standins.state import Spreadsheet
from telegram_emulator.standins.testing import Google

from .conftest import SID


async def _rows(app: FastAPI, tenant: str) -> list[IntegrationLog]:
    """Rows of one tenant: rows of earlier tests can still be flushed by their app's shutdown."""
    await resources_of(app).call_log.flush()
    async with resources_of(app).sessionmaker() as session:
        found = await session.scalars(select(IntegrationLog).where(IntegrationLog.service == "google_sheets",
                                                                   IntegrationLog.tenant_id == tenant)
                                      .order_by(IntegrationLog.id))
        return list(found)


async def test_each_attempt_is_logged_for_the_tenant(app: FastAPI, client: httpx.AsyncClient, google: Google,
                                                     book: Spreadsheet) -> None:
    google.state.fail("values.get", 429, headers={"Retry-After": "0"})
    response = await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": "Requests!A1"},
                                 headers={"X-Tenant-ID": "uk-sheets-log", "X-Request-ID": "req-42"})
    assert response.status_code == 200
    rows = await _rows(app, "uk-sheets-log")
    assert [(r.status_code, r.attempt, r.tenant_id, r.method) for r in rows] == [
        (429, 1, "uk-sheets-log", "GET"), (200, 2, "uk-sheets-log", "GET")]
    assert rows[0].url.startswith(f"{google.url}/v4/spreadsheets/{SID}/values/")
    assert rows[0].correlation_id == "req-42"


async def test_cached_reads_make_no_call(app: FastAPI, client: httpx.AsyncClient, book: Spreadsheet) -> None:
    for _ in range(3):
        await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": "A1"},
                          headers={"X-Tenant-ID": "uk-cached-log"})
    assert len(await _rows(app, "uk-cached-log")) == 1


async def test_the_oauth_grant_is_logged_too(app: FastAPI, client: httpx.AsyncClient, google: Google,
                                             book: Spreadsheet) -> None:
    await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": "A1"},
                      headers={"X-Tenant-ID": "uk-oauth-log"})
    await resources_of(app).call_log.flush()
    async with resources_of(app).sessionmaker() as session:
        rows = list(await session.scalars(select(IntegrationLog).where(
            IntegrationLog.tenant_id == "uk-oauth-log").order_by(IntegrationLog.id)))
    assert [(r.service, r.method, r.status_code) for r in rows] == [
        ("google_oauth", "POST", 200), ("google_sheets", "GET", 200)]
    assert rows[0].url == f"{google.url}/token"
