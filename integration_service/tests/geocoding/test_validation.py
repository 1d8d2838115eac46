"""Bad input is 422 before any provider is asked."""

from __future__ import annotations

import httpx
import pytest

from telegram_emulator.standins.testing import Google


@pytest.mark.parametrize("address", ["", "   ", "д" * 501])
async def test_empty_or_too_long_address_is_422(client: httpx.AsyncClient, google: Google,
                                                address: str) -> None:
    response = await client.get("/api/v1/geocoding/forward", params={"address": address})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "address"]
    assert google.calls("google.geocode") == 0


async def test_missing_address_is_422(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/geocoding/forward")).status_code == 422


@pytest.mark.parametrize(("lat", "lon", "field"), [("90.5", "10", "lat"), ("-91", "10", "lat"),
                                                    ("10", "180.01", "lon"), ("10", "-200", "lon"),
                                                    ("nan", "10", "lat"), ("10", "east", "lon")])
async def test_out_of_range_coordinates_are_422(client: httpx.AsyncClient, google: Google,
                                                lat: str, lon: str, field: str) -> None:
    response = await client.get("/api/v1/geocoding/reverse", params={"lat": lat, "lon": lon})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]
    assert google.calls("google.geocode") == 0


async def test_unsupported_language_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/geocoding/forward", params={"address": "a", "lang": "de"})
    assert response.status_code == 422
