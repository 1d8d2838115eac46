"""The tenant's log spreadsheet is set, shown and removed through the management API."""

from __future__ import annotations

import httpx

from telegram_emulator.standins.state import Sheet
from telegram_emulator.standins.testing import Google

from .conftest import SID, WORKSHEET

URL = "/api/v1/sheets/requests-log"


async def test_configuration_is_shown_and_removed(client: httpx.AsyncClient, sheet: Sheet) -> None:
    shown = await client.get(URL)
    assert shown.status_code == 200
    assert shown.json()["spreadsheet_id"] == SID and shown.json()["worksheet"] == WORKSHEET
    assert (await client.delete(URL)).status_code == 204
    assert (await client.get(URL)).status_code == 404
    assert (await client.delete(URL)).status_code == 404


async def test_configuring_again_replaces_it(client: httpx.AsyncClient, sheet: Sheet) -> None:
    response = await client.put(URL, json={"spreadsheet_id": SID, "worksheet": "Сводка", "is_active": False})
    assert response.status_code == 200
    assert (await client.get(URL)).json()["worksheet"] == "Сводка"


async def test_other_tenants_do_not_see_it(client: httpx.AsyncClient, sheet: Sheet) -> None:
    assert (await client.get(URL, headers={"X-Tenant-ID": "uk-other"})).status_code == 404


async def test_unknown_worksheet_is_422(client: httpx.AsyncClient, google: Google) -> None:
    google.spreadsheet(SID, {"Sheet1": []})
    response = await client.put(URL, json={"spreadsheet_id": SID, "worksheet": "Nope"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "worksheet"]


async def test_unknown_or_unshared_spreadsheet_is_refused(client: httpx.AsyncClient, google: Google) -> None:
    assert (await client.put(URL, json={"spreadsheet_id": SID, "worksheet": "A"})).status_code == 404
    google.spreadsheet(SID, shared=False)
    assert (await client.put(URL, json={"spreadsheet_id": SID, "worksheet": "A"})).status_code == 403


async def test_bad_body_is_422(client: httpx.AsyncClient) -> None:
    assert (await client.put(URL, json={"spreadsheet_id": SID, "worksheet": ""})).status_code == 422
    assert (await client.put(URL, json={"worksheet": "A"})).status_code == 422


async def test_needs_the_management_token(anon: httpx.AsyncClient) -> None:
    assert (await anon.get(URL)).status_code == 401
