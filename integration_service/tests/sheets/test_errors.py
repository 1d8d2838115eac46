"""Google's errors become clear answers; 429 and 5xx are retried, honouring Retry-After."""

from __future__ import annotations

import time

import httpx
import pytest

from telegram_emulator.standins.state import Spreadsheet
from telegram_emulator.standins.testing import Google

from .conftest import SID

READ = {"spreadsheet_id": SID, "range": "Requests!A1:C3"}


async def test_unknown_spreadsheet_is_404(client: httpx.AsyncClient, google: Google) -> None:
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 404
    assert SID in response.json()["detail"]


async def test_spreadsheet_not_shared_is_403_naming_the_account(client: httpx.AsyncClient,
                                                                google: Google) -> None:
    google.spreadsheet(SID, shared=False)
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 403
    assert google.account_email in response.json()["detail"]


async def test_unknown_worksheet_is_422(client: httpx.AsyncClient, book: Spreadsheet) -> None:
    response = await client.post("/api/v1/sheets/read", json={**READ, "range": "Nope!A1"})
    assert response.status_code == 422
    assert "Unable to parse range" in response.json()["detail"]


async def test_google_429_is_retried_after_its_retry_after(client: httpx.AsyncClient, google: Google,
                                                           book: Spreadsheet) -> None:
    google.state.fail("values.get", 429, headers={"Retry-After": "1"})
    started = time.monotonic()
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 200, response.text
    assert time.monotonic() - started >= 1.0
    assert google.calls("values.get") == 2


async def test_google_500_is_retried(client: httpx.AsyncClient, google: Google, book: Spreadsheet) -> None:
    google.state.fail("values.get", 500, times=2)
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 200
    assert google.calls("values.get") == 3


async def test_google_429_that_persists_is_503_never_429(client: httpx.AsyncClient, google: Google,
                                                          book: Spreadsheet) -> None:
    google.state.fail("values.get", 429, times=3, headers={"Retry-After": "0"})
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert google.calls("values.get") == 3


async def test_google_errors_that_persist_are_502(client: httpx.AsyncClient, google: Google,
                                                  book: Spreadsheet) -> None:
    google.state.fail("values.get", 500, times=3)
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 502
    assert response.json()["dependency"] == "google_sheets"


async def test_long_retry_after_is_not_slept_on(client: httpx.AsyncClient, google: Google,
                                                book: Spreadsheet) -> None:
    google.state.fail("values.get", 503, headers={"Retry-After": "120"})
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "120"
    assert google.calls("values.get") == 1


async def test_writes_are_retried_on_429_too(client: httpx.AsyncClient, google: Google,
                                             book: Spreadsheet) -> None:
    google.state.fail("values.update", 429, headers={"Retry-After": "0"})
    response = await client.post("/api/v1/sheets/write", json={**READ, "values": [["x"]]})
    assert response.status_code == 200
    assert google.calls("values.update") == 2


async def test_token_grant_refused_is_502(client: httpx.AsyncClient, google: Google,
                                          book: Spreadsheet) -> None:
    google.state.fail("token", 400, body={"error": "invalid_grant", "error_description": "Invalid JWT"})
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 502
    assert "service account" in response.json()["detail"]


@pytest.mark.parametrize("module_settings", [{"google_sheets_url": "http://127.0.0.1:9",
                                             "google_sheets_attempts": 2}])
async def test_google_unreachable_is_503(client: httpx.AsyncClient, google: Google,
                                         book: Spreadsheet) -> None:
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"


@pytest.mark.parametrize("module_settings", [{"google_service_account_file": None}])
async def test_without_a_service_account_every_call_is_503(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/sheets/read", json=READ)
    assert response.status_code == 503
    assert "INTEGRATION_GOOGLE_SERVICE_ACCOUNT_FILE" in response.json()["detail"]


@pytest.mark.parametrize("module_settings", [{"google_service_account_file": "/nonexistent/sa.json"}])
async def test_unreadable_service_account_still_starts_and_answers_503(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).status_code == 200
    assert (await client.post("/api/v1/sheets/read", json=READ)).status_code == 503
