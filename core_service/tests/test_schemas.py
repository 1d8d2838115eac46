"""Bad input anywhere in the API is a 422 naming the field, never a 500 from PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .conftest import FileRequest, MakeUser

BIG = 10**20

# (method, path, body or None, where the 422 points); `{number}` is a filed request's number.
CASES: list[tuple[str, str, dict[str, Any] | None, list[Any]]] = [
    ("GET", "/api/v1/buildings/10250580479", None, ["path", "building_id"]),
    ("GET", "/api/v1/buildings?page=36893488147419103231", None, ["query", "page"]),
    ("GET", "/api/v1/buildings?page=10000001", None, ["query", "page"]),
    ("GET", "/api/v1/buildings?page_size=101", None, ["query", "page_size"]),
    ("GET", "/api/v1/buildings?q=a%00b", None, ["query", "q"]),
    ("POST", "/api/v1/buildings", {"address": "ул. \x00 1"}, ["body", "address"]),
    ("PATCH", "/api/v1/buildings/2147483648", {"floors": 2}, ["path", "building_id"]),
    ("GET", "/api/v1/users/by-telegram/100000000000000000000", None, ["path", "telegram_id"]),
    ("GET", "/api/v1/users/99999999999", None, ["path", "user_id"]),
    ("GET", "/api/v1/users?q=a%00b", None, ["query", "q"]),
    ("GET", "/api/v1/requests?executor_id=3000000000", None, ["query", "executor_id"]),
    ("GET", "/api/v1/requests?building_id=-1", None, ["query", "building_id"]),
    ("GET", "/api/v1/requests?created_to=0.5", None, ["query", "created_to"]),
    ("GET", "/api/v1/requests?created_from=1700000000", None, ["query", "created_from"]),
    ("GET", "/api/v1/requests?q=a%00b", None, ["query", "q"]),
    ("GET", "/api/v1/requests/stats?created_to=0.5", None, ["query", "created_to"]),
    ("GET", "/api/v1/requests/a%00b", None, ["path", "number"]),
    ("POST", "/api/v1/requests/{number}/assign", {"executor_id": 3_000_000_000}, ["body", "executor_id"]),
    ("POST", "/api/v1/requests/{number}/comments", {"text": "a\x00b"}, ["body", "text"]),
    ("PATCH", "/api/v1/requests/{number}/status", {"status": "purchasing", "comment": "\x00"},
     ["body", "comment"]),
    ("GET", "/api/v1/requests/{number}/history?page=0", None, ["query", "page"]),
]


@pytest.mark.parametrize(("method", "path", "body", "loc"), CASES)
async def test_out_of_range_numbers_nul_and_numbers_as_dates_are_422(
    client: httpx.AsyncClient, make_user: MakeUser, file_request: FileRequest,
    method: str, path: str, body: dict[str, Any] | None, loc: list[Any],
) -> None:
    admin = await make_user("admin")
    if "{number}" in path:
        path = path.format(number=(await file_request(admin))["number"])
    answer = await client.request(method, path, json=body, headers=admin.headers)
    assert answer.status_code == 422, answer.text
    assert loc in [error["loc"] for error in answer.json()["detail"]], answer.text


@pytest.mark.parametrize(("fields", "loc"), [
    ({"description": "течёт \x00 кран"}, ["body", "description"]),
    ({"description": "течёт \ud800 кран"}, ["body", "description"]),
    ({"media": ["ok", "a\x00"]}, ["body", "media"]),
    ({"media": [{"file_id": "a\x00", "type": "photo"}]}, ["body", "media", 0, "MediaItem", "file_id"]),
    ({"building_id": 3_000_000_000}, ["body", "building_id"]),
])
async def test_a_new_request_with_bad_fields_is_422(
    client: httpx.AsyncClient, make_user: MakeUser, building: int, fields: dict[str, Any], loc: list[Any]
) -> None:
    applicant = await make_user()
    body = {"building_id": building, "apartment": "1", "category": "plumbing", "description": "течёт кран",
            **fields}
    # Escaped as JSON may carry it (a lone surrogate cannot be encoded as UTF-8 otherwise).
    raw = json.dumps(body, ensure_ascii=True)
    answer = await client.post("/api/v1/requests", content=raw,
                               headers={**applicant.headers, "Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert loc in [error["loc"] for error in answer.json()["detail"]]


async def test_telegram_ids_up_to_int8_sign_in_and_beyond_are_422(
    client: httpx.AsyncClient, service_headers: dict[str, str]
) -> None:
    too_big = await client.post("/api/v1/auth/telegram", json={"telegram_id": BIG}, headers=service_headers)
    assert too_big.status_code == 422 and too_big.json()["detail"][0]["loc"] == ["body", "telegram_id"]
    nul = await client.post("/api/v1/auth/telegram", json={"telegram_id": 7, "first_name": "\x00"},
                            headers=service_headers)
    assert nul.status_code == 422 and nul.json()["detail"][0]["loc"] == ["body", "first_name"]
    largest = 2**63 - 1
    ok = await client.post("/api/v1/auth/telegram", json={"telegram_id": largest}, headers=service_headers)
    assert ok.status_code == 200 and ok.json()["user"]["telegram_id"] == largest
    found = await client.get(f"/api/v1/users/by-telegram/{largest}", headers=service_headers)
    assert found.status_code == 200


async def test_largest_ids_are_plain_404s(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    admin = await make_user("admin")
    for path in ("/api/v1/buildings/2147483647", "/api/v1/users/2147483647"):
        assert (await client.get(path, headers=admin.headers)).status_code == 404
    dated = await client.get("/api/v1/requests", params={"created_to": "2026-01-31T12:00:00Z"},
                             headers=admin.headers)
    assert dated.status_code == 200
