"""With Redis down Sheets calls go straight to Google: nothing cached, the limiter fails open."""

from __future__ import annotations

import httpx

from telegram_emulator.standins.state import Spreadsheet
from telegram_emulator.standins.testing import Google

from .conftest import SID


async def test_reads_and_writes_work_without_redis(no_redis: httpx.AsyncClient, google: Google,
                                                   book: Spreadsheet) -> None:
    read = {"spreadsheet_id": SID, "range": "Requests!A1"}
    for _ in range(2):
        response = await no_redis.post("/api/v1/sheets/read", json=read)
        assert response.status_code == 200, response.text
        assert response.json()["cached"] is False
    written = await no_redis.post("/api/v1/sheets/write", json={**read, "values": [["Номер"]]})
    assert written.status_code == 200, written.text
    assert google.calls("values.get") == 2
