"""`POST /api/v1/requests`: numbered `YYMMDD-NNN` per tenant per day, status `new`."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

REQUESTS = "/api/v1/requests"


async def test_a_new_request_is_numbered_for_today_and_new(client, make_user, file_request, building):
    resident = await make_user()
    body = await file_request(
        resident, media=["AgACAgIAAxkBAAIB", {"file_id": "BQACAgIAAx", "type": "document"}], urgency="high"
    )
    today = datetime.now(ZoneInfo("Asia/Tashkent")).strftime("%y%m%d")
    assert body["number"] == f"{today}-001"
    assert body["status"] == "new" and body["category"] == "plumbing" and body["urgency"] == "high"
    assert body["apartment"] == "12" and body["description"] == "Течёт кран на кухне"
    assert body["building"] == {"id": building, "address": "Ташкент, ул. Навои, 1"}
    assert body["applicant"] == {
        "id": resident.id,
        "telegram_id": resident.telegram_id,
        "name": f"User{resident.telegram_id}",
    }
    assert body["executor"] is None and body["rating"] is None
    assert [(m["file_id"], m["type"], m["stage"], m["added_by"]) for m in body["media"]] == [
        ("AgACAgIAAxkBAAIB", "photo", "filed", resident.id), ("BQACAgIAAx", "document", "filed", resident.id)
    ]
    assert all(datetime.fromisoformat(m["added_at"]).tzinfo is not None for m in body["media"])
    assert body["created_at"] and body["updated_at"]
    second = await file_request(resident)
    assert second["number"] == f"{today}-002"


async def test_each_tenant_counts_its_own_numbers(client, make_user, file_request, sessionmaker):
    from core_service.buildings.models import Building
    from shared.db import session_scope

    async for session in session_scope(sessionmaker):
        other_building = Building(
            tenant_id="other", address="Самарканд, 1", entrances=1, floors=1, apartments=1, geocode_attempts=0
        )
        session.add(other_building)
        await session.flush()
        other_id = other_building.id
    here, there = await make_user(), await make_user(tenant="other")
    first_here = await file_request(here)
    first_there = await file_request(there, building_id=other_id)
    assert first_here["number"] == first_there["number"]
    # A building of another tenant cannot be used.
    assert (
        await client.post(
            REQUESTS,
            json={"building_id": other_id, "apartment": "1", "category": "other", "description": "чужой дом"},
            headers=here.headers,
        )
    ).status_code == 422


@pytest.mark.parametrize(
    "change",
    [
        {"category": "magic"},
        {"urgency": "asap"},
        {"description": "  "},
        {"apartment": ""},
        {"building_id": 999999},
        {"building_id": "x"},
        {"media": "not-a-list"},
        {"media": [""]},
        {"media": ["x"] * 11},
    ],
)
async def test_invalid_requests_are_422_and_nothing_is_stored(client, make_user, building, change):
    resident = await make_user()
    body = {
        "building_id": building,
        "apartment": "12",
        "category": "plumbing",
        "description": "Течёт кран",
        **change,
    }
    answer = await client.post(REQUESTS, json=body, headers=resident.headers)
    assert answer.status_code == 422, answer.text
    assert isinstance(answer.json()["detail"], list)
    assert (await client.get(REQUESTS, headers=resident.headers)).json()["total"] == 0


async def test_creating_needs_a_signed_in_user(client, building, service_headers):
    body = {"building_id": building, "apartment": "1", "category": "other", "description": "что-то"}
    assert (await client.post(REQUESTS, json=body)).status_code == 401
    assert (await client.post(REQUESTS, json=body, headers=service_headers)).status_code == 401


async def test_200_concurrent_creations_get_200_distinct_numbers(client, make_user, building):
    residents = [await make_user() for _ in range(10)]
    body = {"building_id": building, "apartment": "7", "category": "heating", "description": "холодно"}

    async def create(i: int) -> str:
        answer = await client.post(REQUESTS, json=body, headers=residents[i % 10].headers)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["number"])

    numbers = await asyncio.gather(*(create(i) for i in range(200)))
    assert len(set(numbers)) == 200
    assert all(re.fullmatch(r"\d{6}-\d{3}", n) for n in numbers)
    assert sorted(int(n[-3:]) for n in numbers) == list(range(1, 201))
