"""Google Geocoding and Yandex Geocoder over HTTP, each answer mapped to a place or a failure kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from integration_service.geocoding.exceptions import FailureKind, ProviderFailure
from shared.http import CircuitOpen, ServiceClient

# Yandex documents ru_RU, uk_UA, be_BY, en_RU, en_US and tr_TR only: Uzbek asks for Russian answers.
YANDEX_LANG = {"ru": "ru_RU", "uz": "ru_RU", "en": "en_US"}
GOOGLE_PRECISION = {"ROOFTOP": "exact", "RANGE_INTERPOLATED": "range", "GEOMETRIC_CENTER": "street",
                    "APPROXIMATE": "other"}
GOOGLE_QUOTA = {"OVER_QUERY_LIMIT", "OVER_DAILY_LIMIT"}


@dataclass(frozen=True, slots=True)
class Place:
    """A provider's best match."""

    lat: float
    lon: float
    formatted_address: str
    precision: str


async def _get(client: ServiceClient, url: str, params: dict[str, str]) -> httpx.Response:
    """One GET; transport errors, timeouts and an open breaker are `unavailable`."""
    # The query goes in the URL itself so the call log shows it (keys redacted by the recorder).
    full = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
    try:
        response = await client.request("GET", full)
    except (httpx.HTTPError, CircuitOpen) as exc:
        raise ProviderFailure("unavailable", f"{type(exc).__name__}: {exc}") from exc
    if response.status_code == 429:
        after = response.headers.get("Retry-After")
        raise ProviderFailure("quota", "HTTP 429", float(after) if after and after.isdigit() else None)
    if response.status_code >= 500:
        raise ProviderFailure("unavailable", f"HTTP {response.status_code}")
    return response


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise ProviderFailure("unavailable", f"HTTP {response.status_code}, not JSON") from exc
    if not isinstance(body, dict):
        raise ProviderFailure("unavailable", "unexpected JSON")
    return body


class _KeyedProvider:
    """A provider over HTTP that needs an API key."""

    name: str

    def __init__(self, client: ServiceClient, url: str, key: str | None) -> None:
        self.client, self.url, self.key = client, url, key

    @property
    def configured(self) -> bool:
        """Whether the API key is set."""
        return bool(self.key)


class GoogleProvider(_KeyedProvider):
    """Google Geocoding API: HTTP 200 with a `status` field saying what happened."""

    name = "google"

    async def forward(self, address: str, lang: str) -> Place:
        """Coordinates of an address."""
        return await self._lookup({"address": address, "language": lang})

    async def reverse(self, lat: float, lon: float, lang: str) -> Place:
        """The address at a point."""
        return await self._lookup({"latlng": f"{lat},{lon}", "language": lang})

    async def _lookup(self, params: dict[str, str]) -> Place:
        body = _json(await _get(self.client, self.url, {**params, "key": self.key or ""}))
        status = str(body.get("status", ""))
        detail = f"{status}: {body.get('error_message', '')}".rstrip(": ")
        if status in GOOGLE_QUOTA:
            raise ProviderFailure("quota", detail)
        if status == "REQUEST_DENIED":
            raise ProviderFailure("denied", detail)
        if status in ("ZERO_RESULTS", "INVALID_REQUEST"):
            raise ProviderFailure("zero_results", detail)
        if status != "OK" or not body.get("results"):
            raise ProviderFailure("unavailable", detail or "no status")
        first = body["results"][0]
        geometry = first.get("geometry", {})
        location = geometry.get("location", {})
        return Place(
            lat=float(location["lat"]), lon=float(location["lng"]),
            formatted_address=str(first.get("formatted_address", "")),
            precision=GOOGLE_PRECISION.get(str(geometry.get("location_type")), "other"),
        )


class YandexProvider(_KeyedProvider):
    """Yandex Geocoder HTTP API 1.x: errors as HTTP statuses, `Point.pos` is "lon lat"."""

    name = "yandex"

    async def forward(self, address: str, lang: str) -> Place:
        """Coordinates of an address."""
        return await self._lookup(address, lang)

    async def reverse(self, lat: float, lon: float, lang: str) -> Place:
        """The address at a point (Yandex takes "lon,lat")."""
        return await self._lookup(f"{lon},{lat}", lang)

    async def _lookup(self, geocode: str, lang: str) -> Place:
        params = {"apikey": self.key or "", "geocode": geocode, "format": "json",
                  "lang": YANDEX_LANG.get(lang, "ru_RU"), "results": "1"}
        response = await _get(self.client, self.url, params)
        body = _json(response)
        if response.status_code in (401, 403):
            message = str(body.get("message", f"HTTP {response.status_code}"))
            kind: FailureKind = "quota" if "limit" in message.lower() else "denied"
            raise ProviderFailure(kind, message)
        if response.status_code >= 400:
            raise ProviderFailure("zero_results", str(body.get("message", response.status_code)))
        return _yandex_place(body)


def _yandex_place(body: dict[str, Any]) -> Place:
    try:
        members = body["response"]["GeoObjectCollection"]["featureMember"]
    except (KeyError, TypeError) as exc:
        raise ProviderFailure("unavailable", "unexpected response shape") from exc
    if not members:
        raise ProviderFailure("zero_results", "found 0")
    geo = members[0]["GeoObject"]
    meta = geo.get("metaDataProperty", {}).get("GeocoderMetaData", {})
    lon, lat = (float(part) for part in str(geo["Point"]["pos"]).split())
    formatted = meta.get("Address", {}).get("formatted") or meta.get("text") or geo.get("name", "")
    return Place(lat=lat, lon=lon, formatted_address=str(formatted),
                 precision=str(meta.get("precision", "other")))
