"""Google Geocoding and Yandex Geocoder answering with the JSON shapes their documentation shows."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from telegram_emulator.standins.state import Place, StandinState

LONLAT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


def _nearest(state: StandinState, lat: float, lon: float) -> Place | None:
    with state.lock:
        close = [p for p in state.places.values() if abs(p.lat - lat) < 0.01 and abs(p.lon - lon) < 0.01]
    return close[0] if close else None


def _find(state: StandinState, address: str) -> Place | None:
    with state.lock:
        return state.places.get(address.strip().lower())


def google_result(place: Place) -> dict[str, Any]:
    """One element of Google's `results`."""
    box = {"northeast": {"lat": place.lat + 0.001, "lng": place.lon + 0.001},
           "southwest": {"lat": place.lat - 0.001, "lng": place.lon - 0.001}}
    location_type = {"exact": "ROOFTOP", "street": "GEOMETRIC_CENTER"}.get(place.precision, "APPROXIMATE")
    return {"address_components": [{"long_name": "Tashkent", "short_name": "Tashkent",
                                    "types": ["locality", "political"]}],
            "formatted_address": place.formatted,
            "geometry": {"location": {"lat": place.lat, "lng": place.lon}, "location_type": location_type,
                         "viewport": box},
            "place_id": "ChIJstandin", "types": ["street_address"]}


def yandex_body(request_text: str, place: Place | None) -> dict[str, Any]:
    """Yandex's `response.GeoObjectCollection`, `Point.pos` as "lon lat"."""
    members = []
    if place is not None:
        members.append({"GeoObject": {
            "metaDataProperty": {"GeocoderMetaData": {
                "kind": "house", "text": f"Узбекистан, {place.formatted}", "precision": place.precision,
                "Address": {"country_code": "UZ", "formatted": place.formatted,
                            "Components": [{"kind": "country", "name": "Узбекистан"}]}}},
            "name": place.formatted, "description": "Узбекистан",
            "boundedBy": {"Envelope": {"lowerCorner": f"{place.lon - 0.001} {place.lat - 0.001}",
                                       "upperCorner": f"{place.lon + 0.001} {place.lat + 0.001}"}},
            "Point": {"pos": f"{place.lon} {place.lat}"}}})
    meta = {"GeocoderResponseMetaData": {"request": request_text, "found": str(len(members)), "results": "1"}}
    return {"response": {"GeoObjectCollection": {"metaDataProperty": meta, "featureMember": members}}}


def router(state: StandinState) -> APIRouter:
    """`/maps/api/geocode/json` (Google) and `/1.x/` (Yandex)."""
    api = APIRouter()

    async def refusal(route: str, request: Request, key: str, keys: set[str],
                      denied: JSONResponse) -> JSONResponse | None:
        """The failure queued for `route`, else `denied` when the `key` parameter is not one of `keys`."""
        if (failure := await state.canned_answer(route, request)) is not None:
            return failure
        return denied if request.query_params.get(key) not in keys else None

    @api.get("/maps/api/geocode/json")
    async def google(request: Request) -> JSONResponse:
        denied = JSONResponse({"error_message": "The provided API key is invalid. ", "results": [],
                               "status": "REQUEST_DENIED"})
        refused = await refusal("google.geocode", request, "key", state.google_keys, denied)
        if refused is not None:
            return refused
        q = request.query_params
        if "latlng" in q:
            lat, lon = (float(v) for v in q["latlng"].split(","))
            place = _nearest(state, lat, lon)
        else:
            place = _find(state, q.get("address", ""))
        if place is None:
            return JSONResponse({"results": [], "status": "ZERO_RESULTS"})
        return JSONResponse({"results": [google_result(place)], "status": "OK"})

    @api.get("/1.x/")
    async def yandex(request: Request) -> JSONResponse:
        denied = JSONResponse({"statusCode": 403, "error": "Forbidden", "message": "Invalid api key"}, 403)
        refused = await refusal("yandex.geocode", request, "apikey", state.yandex_keys, denied)
        if refused is not None:
            return refused
        q = request.query_params
        if not q.get("lang"):
            body = {"statusCode": 400, "error": "Bad Request", "message": "lang is required"}
            return JSONResponse(body, 400)
        text = q.get("geocode", "")
        if point := LONLAT.match(text):
            place = _nearest(state, float(point.group(2)), float(point.group(1)))
        else:
            place = _find(state, text)
        return JSONResponse(yandex_body(text, place))

    return api
