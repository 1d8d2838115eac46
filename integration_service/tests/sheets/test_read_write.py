"""Reads, writes, appends, batches and metadata through gspread and the service-account grant."""

from __future__ import annotations

import httpx

from telegram_emulator.standins.state import Spreadsheet
from telegram_emulator.standins.testing import Google

from .conftest import ROWS, SID


async def test_read_gets_a_token_by_jwt_grant_then_the_values(client: httpx.AsyncClient, google: Google,
                                                               book: Spreadsheet) -> None:
    body = {"spreadsheet_id": SID, "range": "Requests!A1:C3"}
    response = await client.post("/api/v1/sheets/read", json=body)
    assert response.status_code == 200, response.text
    # Google trims trailing empty cells.
    expected = [ROWS[0], ["261201-001", "new"], ROWS[2]]
    assert response.json() == {"spreadsheet_id": SID, "range": "Requests!A1:C3", "values": expected,
                               "cached": False}
    assert google.calls("token") == 1
    assert google.calls("values.get") == 1


async def test_write_then_read_shows_the_new_values(client: httpx.AsyncClient, book: Spreadsheet) -> None:
    written = await client.post("/api/v1/sheets/write", json={
        "spreadsheet_id": SID, "range": "Requests!B2:C2", "values": [["completed", "Petrov"]]})
    assert written.status_code == 200, written.text
    assert written.json() == {"spreadsheet_id": SID, "updated_range": "Requests!B2:C2", "updated_rows": 1,
                              "updated_columns": 2, "updated_cells": 2}
    read = await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": "Requests!A2:C2"})
    assert read.json()["values"] == [["261201-001", "completed", "Petrov"]]


async def test_append_adds_rows_after_the_table(client: httpx.AsyncClient, book: Spreadsheet) -> None:
    response = await client.post("/api/v1/sheets/append", json={
        "spreadsheet_id": SID, "range": "Requests!A1", "values": [["261201-003", "new", None, 5, True]]})
    assert response.status_code == 200, response.text
    assert response.json()["updated_range"] == "Requests!A4:E4"
    assert book.sheets[0].rows[3] == ["261201-003", "new", None, 5, True]


async def test_metadata_lists_worksheets_with_sizes(client: httpx.AsyncClient, book: Spreadsheet) -> None:
    response = await client.get(f"/api/v1/sheets/metadata/{SID}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Register" and body["time_zone"] == "Asia/Tashkent"
    assert body["worksheets"] == [{"id": 0, "title": "Requests", "index": 0, "rows": 1000, "columns": 26},
                                  {"id": 1, "title": "Archive", "index": 1, "rows": 1000, "columns": 26}]


async def test_batch_read_is_one_google_call(client: httpx.AsyncClient, google: Google,
                                             book: Spreadsheet) -> None:
    response = await client.post("/api/v1/sheets/batch", json={
        "spreadsheet_id": SID, "reads": ["Requests!A1:A3", "Requests!C3", "Archive!A1:B2"]})
    assert response.status_code == 200, response.text
    ranges = response.json()["value_ranges"]
    assert [r["values"] for r in ranges] == [[["Number"], ["261201-001"], ["261201-002"]], [["Ivanov"]], []]
    assert google.calls("values.batchGet") == 1


async def test_batch_read_fetches_only_what_is_not_cached(client: httpx.AsyncClient, google: Google,
                                                          book: Spreadsheet) -> None:
    await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": "Requests!A1:A3"})
    response = await client.post("/api/v1/sheets/batch", json={
        "spreadsheet_id": SID, "reads": ["Requests!A1:A3", "Requests!B1:B3"]})
    assert [r["cached"] for r in response.json()["value_ranges"]] == [True, False]
    route, params = google.state.seen[-1]
    assert route == "values.batchGet" and params["ranges"] == "Requests!B1:B3"


async def test_batch_write_updates_every_range(client: httpx.AsyncClient, google: Google,
                                               book: Spreadsheet) -> None:
    response = await client.post("/api/v1/sheets/batch", json={"spreadsheet_id": SID, "writes": [
        {"range": "Requests!B2", "values": [["accepted"]]},
        {"range": "Archive!A1:B1", "values": [["a", "b"]]}]})
    assert response.status_code == 200, response.text
    assert response.json()["total_updated_cells"] == 3
    assert [u["updated_range"] for u in response.json()["updates"]] == ["Requests!B2:B2", "Archive!A1:B1"]
    assert google.calls("values.batchUpdate") == 1
    assert book.sheets[0].rows[1][1] == "accepted"


async def test_token_is_reused_across_calls(client: httpx.AsyncClient, google: Google,
                                            book: Spreadsheet) -> None:
    for cell in ("A1", "A2", "A3"):
        await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": f"Requests!{cell}"})
    assert google.calls("token") == 1
    assert google.calls("values.get") == 3
