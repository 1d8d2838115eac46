"""The service account's 60 calls a minute hold across callers; over it, a brief wait or a 429."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from telegram_emulator.standins.state import Spreadsheet
from telegram_emulator.standins.testing import Google

from .conftest import SID


@pytest.mark.parametrize("module_settings", [{"google_sheets_max_wait_seconds": 0}])
async def test_sixty_calls_a_minute_then_429(client: httpx.AsyncClient, google: Google,
                                             book: Spreadsheet) -> None:
    async def read(n: int) -> httpx.Response:
        body = {"spreadsheet_id": SID, "range": f"Requests!A{n}"}
        return await client.post("/api/v1/sheets/read", json=body)

    # The limiter's windows are aligned to the minute: stay clear of a boundary, where the previous
    # minute's weight decays while the burst runs.
    if (second := time.time() % 60) > 50:
        await asyncio.sleep(60.2 - second)
    answers = await asyncio.gather(*(read(n) for n in range(1, 66)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 60 + [429] * 5
    refused = next(a for a in answers if a.status_code == 429)
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert google.calls("values.get") == 60


@pytest.mark.parametrize("module_settings", [{"google_sheets_rate_limit_per_minute": 2,
                                             "google_sheets_rate_window_seconds": 1.0,
                                             "google_sheets_max_wait_seconds": 2.0}])
async def test_a_caller_just_over_the_limit_waits_instead_of_failing(client: httpx.AsyncClient,
                                                                     book: Spreadsheet) -> None:
    started = time.monotonic()
    for n in range(1, 4):
        response = await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": f"A{n}"})
        assert response.status_code == 200, response.text
    assert time.monotonic() - started > 0.2


async def test_cached_reads_do_not_count_against_the_limit(client: httpx.AsyncClient, redis: object,
                                                           book: Spreadsheet) -> None:
    from shared.ratelimit import RateLimiter

    for _ in range(5):
        await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": "A1"})
    used = await RateLimiter(redis, "google_sheets").usage(  # type: ignore[arg-type]
        "uk-sheets@uk-test.iam.gserviceaccount.com", 60)
    assert used == 1


async def test_a_tenant_limit_in_api_rate_limits_applies_to_that_tenant_only(client: httpx.AsyncClient,
                                                                             google: Google,
                                                                             book: Spreadsheet) -> None:
    limit = {"service": "google_sheets", "endpoint": "read", "limit": 2, "window_seconds": 60}
    assert (await client.put("/api/v1/rate-limits", json=limit)).status_code in (200, 201)
    codes = []
    for n in range(1, 4):
        response = await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": f"A{n}"})
        codes.append(response.status_code)
    assert codes == [200, 200, 429]
    assert int(response.headers["retry-after"]) >= 1
    other = await client.post("/api/v1/sheets/read", json={"spreadsheet_id": SID, "range": "A3"},
                              headers={"X-Tenant-ID": "uk-two"})
    assert other.status_code == 200
    assert google.calls("values.get") == 3
