"""With Redis down Sheets calls go straight to Google: nothing cached, the limiter fails open."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from integration_service.app import create_app
from integration_service.config import Settings
from telegram_emulator.standins.state import Spreadsheet
from telegram_emulator.standins.testing import Google

from .conftest import SID


@pytest.fixture
async def no_redis(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with Redis unreachable (its own app: the shared fixture flushes Redis afterwards)."""
    app = create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t",
                                     headers={"Authorization": "Bearer test-token"}) as c:
            yield c


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
