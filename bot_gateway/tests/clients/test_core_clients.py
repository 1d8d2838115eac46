"""The Auth, User and Request clients against the real Core Service app (not a copy of its answers)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from harness import SERVICE_TOKEN

from bot_gateway.clients import BackendUnavailable, Clients, NotFound, Unauthorized, build_clients
from bot_gateway.config import Settings


@pytest.fixture
async def clients(core_app, make_settings) -> AsyncIterator[Clients]:
    settings: Settings = make_settings(core_api_token=SERVICE_TOKEN)
    built = build_clients(settings, core_transport=httpx.ASGITransport(core_app))
    yield built
    await built.aclose()


async def test_telegram_sign_in_creates_an_applicant(clients: Clients):
    answer = await clients.auth.telegram(880001, "Ali", "Valiyev", "ali", "uz")
    user = answer["user"]
    assert answer["token_type"].lower() == "bearer" and answer["expires_in"] > 0
    assert user["telegram_id"] == 880001 and user["roles"] == ["applicant"]
    assert user["active_role"] == "applicant" and user["status"] in ("active", "pending")
    again = await clients.auth.telegram(880001, "Ali")
    assert again["user"]["id"] == user["id"]


async def test_profile_language_is_saved_through_the_user_client(clients: Clients):
    answer = await clients.auth.telegram(880002, "Olga", language_code="ru")
    token, user_id = answer["access_token"], answer["user"]["id"]
    updated = await clients.users.update(token, user_id, language="uz")
    assert updated["language"] == "uz"
    assert (await clients.auth.me(token))["language"] == "uz"
    assert (await clients.users.get(token, user_id))["language"] == "uz"


async def test_refresh_rotates_and_a_reused_token_is_refused(clients: Clients):
    answer = await clients.auth.telegram(880003, "Bek")
    rotated = await clients.auth.refresh(answer["refresh_token"])
    assert rotated["access_token"] and rotated["refresh_token"] != answer["refresh_token"]
    with pytest.raises(Unauthorized):
        await clients.auth.refresh(answer["refresh_token"])


async def test_request_client_lists_pages_and_maps_unknown_numbers_to_not_found(clients: Clients):
    token = (await clients.auth.telegram(880004, "Aziz"))["access_token"]
    page = await clients.requests.list(token)
    assert set(page) >= {"items", "total", "page", "page_size"} and page["total"] == 0
    with pytest.raises(NotFound):
        await clients.requests.get(token, "991231-999")


async def test_a_bad_service_token_is_unauthorized(core_app, make_settings):
    settings = make_settings(core_api_token="wrong")
    built = build_clients(settings, core_transport=httpx.ASGITransport(core_app))
    with pytest.raises(Unauthorized):
        await built.auth.telegram(880005, "X")
    await built.aclose()


async def test_core_unreachable_is_backend_unavailable_and_opens_the_breaker(make_settings):
    settings = make_settings(core_url="http://127.0.0.1:1", http_attempts=1, breaker_threshold=2)
    built = build_clients(settings)
    for _ in range(3):
        with pytest.raises(BackendUnavailable):
            await built.auth.telegram(880006, "X")
    assert built.core_http.breaker.state == "open"
    assert await built.auth.health() is False
    await built.aclose()


async def test_the_bot_signs_in_and_changes_language_through_real_core(core_app, run_app, telegram):
    async with run_app(core_transport=httpx.ASGITransport(core_app), core_api_token=SERVICE_TOKEN):
        await telegram.updates.put(telegram.message(880007, "/start", first_name="Dilnoza", language="ru"))
        await telegram.wait_for(lambda: len(telegram.texts(880007)) >= 2)
        await telegram.updates.put(telegram.callback(880007, "lang:uz"))
        await telegram.wait_for(lambda: len(telegram.texts(880007)) >= 3)
    assert telegram.texts(880007)[0].startswith("Здравствуйте!")  # someone new is asked to join
    assert telegram.texts(880007)[2].startswith("Til oʻzgartirildi")
