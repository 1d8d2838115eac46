"""Requests-log tests: core events applied to a stand-in spreadsheet through the real adapter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.events import Envelope
from telegram_emulator.standins.state import Sheet
from telegram_emulator.standins.testing import Google, google, standin_server

__all__ = ["google", "standin_server"]

SID = "1RequestsLogSpreadsheet0000000000000000000000"
WORKSHEET = "Заявки"
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings_overrides(google: Google) -> dict[str, Any]:
    return google.settings()


@pytest.fixture
async def sheet(google: Google, client: httpx.AsyncClient) -> Sheet:
    """The tenant's log worksheet, configured through the API."""
    book = google.spreadsheet(SID, {"Сводка": [], WORKSHEET: []})
    response = await client.put("/api/v1/sheets/requests-log", json={"spreadsheet_id": SID,
                                                                      "worksheet": WORKSHEET})
    assert response.status_code == 200, response.text
    return book.sheets[1]


def event(kind: str, number: str, minutes: float, tenant: str = "default", event_id: str | None = None,
          **data: Any) -> Envelope:
    """A core event `minutes` after T0."""
    return Envelope.new(event_type=kind, source="core", tenant_id=tenant, event_id=event_id,
                        occurred_at=T0 + timedelta(minutes=minutes), data={"number": number, **data})


def created(number: str, minutes: float = 0, **data: Any) -> Envelope:
    """`request.created` with the fields the log shows."""
    fields = {"category": "plumbing", "urgency": "high", "address": "Navoi 12", "apartment": "45",
              "description": "Течёт кран", "status": "new", **data}
    return event("request.created", number, minutes, **fields)
