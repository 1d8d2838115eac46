"""The consumer queues for the Sheets quota instead of failing (and dead-lettering) entries."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from integration_service.lifecycle import resources_of
from telegram_emulator.standins.state import Sheet

from .conftest import SID, created


@pytest.fixture
def module_settings() -> dict[str, Any]:
    return {"google_sheets_rate_limit_per_minute": 2, "google_sheets_rate_window_seconds": 1.0,
            "google_sheets_max_wait_seconds": 0}


async def test_a_burst_over_the_limit_is_written_late_not_refused(app: FastAPI, sheet: Sheet,
                                                                  client: httpx.AsyncClient) -> None:
    for n in range(1, 4):
        await resources_of(app).requests_log.handle(created(f"261201-00{n}", minutes=n))
    assert [r[0] for r in sheet.rows[1:4]] == ["261201-001", "261201-002", "261201-003"]
    # API callers still get only the brief wait (none here): of three reads at once one is refused.
    answers = await asyncio.gather(*(client.post("/api/v1/sheets/read", json={
        "spreadsheet_id": SID, "range": f"A{n}"}) for n in range(1, 4)))
    assert 429 in [a.status_code for a in answers]
