"""Bad bodies are 422 and never reach Google; the API needs the management token."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from telegram_emulator.standins.testing import Google

from .conftest import SID


@pytest.mark.parametrize("body", [
    {"spreadsheet_id": "short", "range": "A1"},
    {"spreadsheet_id": "../../etc/passwd", "range": "A1"},
    {"spreadsheet_id": SID, "range": ""},
    {"spreadsheet_id": SID},
])
async def test_bad_read_body_is_422(client: httpx.AsyncClient, google: Google, body: dict[str, Any]) -> None:
    assert (await client.post("/api/v1/sheets/read", json=body)).status_code == 422
    assert google.calls("values.get") == 0


@pytest.mark.parametrize("values", [[], [[{"nested": 1}]], [["x"] * 50_001]])
async def test_bad_values_are_422(client: httpx.AsyncClient, values: list[Any]) -> None:
    body = {"spreadsheet_id": SID, "range": "A1", "values": values}
    assert (await client.post("/api/v1/sheets/write", json=body)).status_code == 422


@pytest.mark.parametrize("body", [{"spreadsheet_id": SID},
                                  {"spreadsheet_id": SID, "reads": ["A1"], "writes": [{"range": "A1",
                                                                                       "values": [[1]]}]},
                                  {"spreadsheet_id": SID, "reads": []}])
async def test_batch_needs_reads_or_writes_not_both(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    assert (await client.post("/api/v1/sheets/batch", json=body)).status_code == 422


async def test_sheets_need_the_management_token(anon: httpx.AsyncClient) -> None:
    response = await anon.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": "A1"})
    assert response.status_code == 401


async def test_bad_metadata_id_is_422(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/sheets/metadata/bad!id")).status_code == 422
