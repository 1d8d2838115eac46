"""One row per request: appended on creation, cells updated later, duplicates and stale events ignored."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from integration_service.lifecycle import resources_of
from integration_service.sheets.exceptions import SheetsError
from telegram_emulator.standins.state import Sheet
from telegram_emulator.standins.testing import Google

from .conftest import created, event

HEADER_STATUS, HEADER_EXECUTOR, HEADER_RATING = 7, 8, 9


def cells(sheet: Sheet, number: str) -> list[str]:
    rows = [r for r in sheet.rows if r and r[0] == number]
    assert len(rows) == 1, f"{number} is on {len(rows)} rows"
    return rows[0]


async def test_created_request_is_appended_under_a_header(app: FastAPI, sheet: Sheet) -> None:
    await resources_of(app).requests_log.handle(created("261201-001"))
    assert sheet.rows[0][0] == "Номер"
    row = cells(sheet, "261201-001")
    assert row[2:8] == ["plumbing", "high", "Navoi 12", "45", "Течёт кран", "new"]


async def test_later_events_update_the_same_row(app: FastAPI, sheet: Sheet,
                                                client: httpx.AsyncClient) -> None:
    handle = resources_of(app).requests_log.handle
    await handle(created("261201-001"))
    await handle(created("261201-002", minutes=1))
    await handle(event("request.assigned", "261201-001", 2, executor_name="Ivanov", new_status="in_progress"))
    await handle(event("request.status_changed", "261201-001", 3, old_status="in_progress",
                       new_status="completed"))
    await handle(event("request.rated", "261201-001", 4, rating=5, new_status="accepted"))
    row = cells(sheet, "261201-001")
    assert (row[HEADER_STATUS], row[HEADER_EXECUTOR], row[HEADER_RATING]) == ("accepted", "Ivanov", "5")
    shown = (await client.get("/api/v1/sheets/requests-log")).json()
    assert shown["requests"] == 2 and shown["last_event_at"].startswith("2026-12-01T09:04")
    assert sheet.rows[1][0] == "261201-001" and sheet.rows[2][0] == "261201-002"
    assert cells(sheet, "261201-002")[HEADER_STATUS] == "new"


async def test_a_redelivered_event_changes_nothing_and_calls_nobody(app: FastAPI, sheet: Sheet,
                                                                     google: Google) -> None:
    first = created("261201-001")
    await resources_of(app).requests_log.handle(first)
    calls = google.calls("values.get") + google.calls("values.update") + google.calls("values.append")
    await resources_of(app).requests_log.handle(first)
    assert google.calls("values.get") + google.calls("values.update") + google.calls("values.append") == calls
    assert len([r for r in sheet.rows if r and r[0] == "261201-001"]) == 1


async def test_events_out_of_order_end_in_the_newest_state(app: FastAPI, sheet: Sheet) -> None:
    handle = resources_of(app).requests_log.handle
    await handle(event("request.status_changed", "261201-007", 5, new_status="completed"))
    await handle(created("261201-007", minutes=0))  # late: must not put "new" back
    await handle(event("request.status_changed", "261201-007", 3, new_status="in_progress"))  # stale
    await handle(event("request.assigned", "261201-007", 2, executor_name="Petrov"))
    row = cells(sheet, "261201-007")
    assert row[HEADER_STATUS] == "completed"
    assert row[HEADER_EXECUTOR] == "Petrov"
    assert row[2] == "plumbing"


async def test_tenant_without_a_log_is_left_alone(app: FastAPI, sheet: Sheet, google: Google) -> None:
    before = google.calls("values.get")
    other = created("261201-001").model_copy(update={"tenant_id": "uk-other"})
    await resources_of(app).requests_log.handle(other)
    assert google.calls("values.get") == before


async def test_text_is_written_raw_so_it_is_never_a_formula(app: FastAPI, sheet: Sheet,
                                                            google: Google) -> None:
    formula = '=IMPORTXML("http://x","//a")'
    await resources_of(app).requests_log.handle(created("261201-001", description=formula))
    writes = [params for route, params in google.state.seen if route in ("values.update", "values.append")]
    assert writes and all(p["valueInputOption"] == "RAW" for p in writes)
    assert cells(sheet, "261201-001")[6].startswith("=IMPORTXML")


async def test_comments_and_unknown_events_do_not_touch_the_sheet(app: FastAPI, sheet: Sheet,
                                                                   google: Google) -> None:
    await resources_of(app).requests_log.handle(event("request.commented", "261201-001", 1, text="hi"))
    await resources_of(app).requests_log.handle(event("user.created", "261201-001", 1))
    assert google.calls("values.get") == 0


async def test_a_failed_write_is_retried_on_redelivery(app: FastAPI, sheet: Sheet, google: Google,
                                                       client: httpx.AsyncClient) -> None:
    google.state.fail("values.update", 500, times=3)
    first = created("261201-001")
    with pytest.raises(SheetsError):  # the consumer leaves the entry pending
        await resources_of(app).requests_log.handle(first)
    assert not [r for r in sheet.rows if r and r[0] == "261201-001"]
    await resources_of(app).requests_log.handle(first)
    assert cells(sheet, "261201-001")[HEADER_STATUS] == "new"


async def test_only_changed_cells_are_written_so_manual_notes_stay(app: FastAPI, sheet: Sheet) -> None:
    await resources_of(app).requests_log.handle(created("261201-001"))
    row = next(r for r in sheet.rows if r and r[0] == "261201-001")
    row[2] = "plumbing (checked)"
    row.append("call before visiting")
    await resources_of(app).requests_log.handle(event("request.status_changed", "261201-001", 5,
                                              new_status="in_progress"))
    row = cells(sheet, "261201-001")
    assert row[HEADER_STATUS] == "in_progress"
    assert row[2] == "plumbing (checked)" and row[11] == "call before visiting"


async def test_concurrent_events_of_a_new_request_make_one_row(app: FastAPI, sheet: Sheet) -> None:
    handle = resources_of(app).requests_log.handle
    await asyncio.gather(handle(created("261201-005")),
                         handle(event("request.assigned", "261201-005", 1, executor_name="Aliev")),
                         handle(event("request.status_changed", "261201-005", 2, new_status="completed")))
    row = cells(sheet, "261201-005")
    assert (row[HEADER_STATUS], row[HEADER_EXECUTOR], row[2]) == ("completed", "Aliev", "plumbing")
