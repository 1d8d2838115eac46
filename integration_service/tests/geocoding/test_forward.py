"""Forward geocoding through the providers' real JSON shapes."""

from __future__ import annotations

import httpx
import pytest

from telegram_emulator.standins.testing import Google


async def test_address_is_geocoded_by_the_first_provider(client: httpx.AsyncClient, known_place: str,
                                                          google: Google) -> None:
    response = await client.get("/api/v1/geocoding/forward", params={"address": known_place, "lang": "ru"})
    assert response.status_code == 200, response.text
    assert response.json() == {"lat": 41.311151, "lon": 69.279737, "provider": "google", "precision": "exact",
                               "formatted_address": "Tashkent, Navoi Street, 12", "cached": False}
    assert google.calls("google.geocode") == 1
    assert google.calls("yandex.geocode") == 0


@pytest.mark.parametrize("module_settings", [{"geocoding_providers": "yandex,google"}])
async def test_yandex_point_is_read_as_lon_lat(client: httpx.AsyncClient, known_place: str,
                                               google: Google) -> None:
    response = await client.get("/api/v1/geocoding/forward", params={"address": known_place, "lang": "uz"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["lat"], body["lon"], body["provider"]) == (41.311151, 69.279737, "yandex")
    route, params = google.state.seen[-1]
    assert route == "yandex.geocode" and params["lang"] == "ru_RU" and params["format"] == "json"


async def test_reverse_geocoding_finds_the_address(client: httpx.AsyncClient, known_place: str) -> None:
    response = await client.get("/api/v1/geocoding/reverse", params={"lat": 41.3111, "lon": 69.2797})
    assert response.status_code == 200, response.text
    assert response.json()["formatted_address"] == "Tashkent, Navoi Street, 12"


@pytest.mark.parametrize("module_settings", [{"geocoding_providers": "yandex"}])
async def test_yandex_reverse_sends_lon_first(client: httpx.AsyncClient, known_place: str,
                                              google: Google) -> None:
    response = await client.get("/api/v1/geocoding/reverse", params={"lat": 41.3111, "lon": 69.2797})
    assert response.status_code == 200, response.text
    assert google.state.seen[-1][1]["geocode"] == "69.2797,41.3111"


async def test_unknown_address_is_404_echoing_it(client: httpx.AsyncClient, google: Google) -> None:
    response = await client.get("/api/v1/geocoding/forward", params={"address": "Nowhere 1"})
    assert response.status_code == 404
    assert response.json()["address"] == "Nowhere 1"
    assert google.calls("google.geocode") == 1 and google.calls("yandex.geocode") == 1


async def test_geocoding_needs_the_management_token(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/api/v1/geocoding/forward", params={"address": "x"})
    assert response.status_code == 401
