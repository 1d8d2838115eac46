"""`/api/v1/buildings`: listing for everyone signed in, changes for managers and admins."""

from __future__ import annotations

import pytest

BUILDINGS = "/api/v1/buildings"
NEW = {"address": "Ташкент,  Мирзо-Улугбек, 5", "entrances": 3, "floors": 9, "apartments": 108}


async def test_managers_create_buildings_without_geocoding_configured(client, make_user):
    manager = await make_user("manager")
    answer = await client.post(BUILDINGS, json=NEW, headers=manager.headers)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["address"] == "Ташкент, Мирзо-Улугбек, 5" and body["entrances"] == 3
    assert body["latitude"] is None and body["longitude"] is None


async def test_applicants_and_executors_cannot_change_buildings(client, make_user, building):
    for roles in (("applicant",), ("executor",)):
        user = await make_user(*roles)
        assert (await client.post(BUILDINGS, json=NEW, headers=user.headers)).status_code == 403
        assert (
            await client.patch(f"{BUILDINGS}/{building}", json={"floors": 2}, headers=user.headers)
        ).status_code == 403
        assert (await client.delete(f"{BUILDINGS}/{building}", headers=user.headers)).status_code == 403


@pytest.mark.parametrize("body", [{}, {"address": "   "}, {**NEW, "floors": 0}, {**NEW, "entrances": "many"}])
async def test_invalid_buildings_are_422(client, make_user, body):
    manager = await make_user("manager")
    assert (await client.post(BUILDINGS, json=body, headers=manager.headers)).status_code == 422


async def test_everyone_signed_in_lists_and_searches_buildings(client, make_user, service_headers):
    manager, resident = await make_user("manager"), await make_user()
    for street in ("Навои", "Бабура", "Навои 2"):
        await client.post(BUILDINGS, json={**NEW, "address": f"ул. {street}"}, headers=manager.headers)
    every = (await client.get(BUILDINGS, headers=resident.headers)).json()
    assert every["total"] == 3 and every["page"] == 1 and every["page_size"] == 20
    found = (await client.get(BUILDINGS, params={"q": "навои"}, headers=resident.headers)).json()
    assert [b["address"] for b in found["items"]] == ["ул. Навои", "ул. Навои 2"]
    paged = (await client.get(BUILDINGS, params={"page": 2, "page_size": 2}, headers=service_headers)).json()
    assert len(paged["items"]) == 1 and paged["total"] == 3
    assert (await client.get(BUILDINGS)).status_code == 401


async def test_applicants_awaiting_approval_read_buildings_to_apply_for_one(client, make_user, building):
    pending, blocked = await make_user(status="pending"), await make_user(status="blocked")
    found = (await client.get(BUILDINGS, params={"q": "навои"}, headers=pending.headers)).json()
    assert [b["id"] for b in found["items"]] == [building]
    one = await client.get(f"{BUILDINGS}/{building}", headers=pending.headers)
    assert one.status_code == 200 and one.json()["apartments"] == 72
    assert (await client.get(BUILDINGS, headers=blocked.headers)).status_code == 403
    refused = await client.post(BUILDINGS, json=NEW, headers=pending.headers)
    assert refused.status_code == 403


async def test_buildings_of_another_tenant_are_invisible(client, make_user, building):
    outsider = await make_user("manager", tenant="other")
    assert (await client.get(BUILDINGS, headers=outsider.headers)).json()["total"] == 0
    assert (await client.get(f"{BUILDINGS}/{building}", headers=outsider.headers)).status_code == 404
    assert (
        await client.patch(f"{BUILDINGS}/{building}", json={"floors": 2}, headers=outsider.headers)
    ).status_code == 404


async def test_update_and_delete(client, make_user, building):
    manager = await make_user("manager")
    changed = await client.patch(f"{BUILDINGS}/{building}", json={"floors": 12}, headers=manager.headers)
    assert changed.status_code == 200 and changed.json()["floors"] == 12
    assert (await client.delete(f"{BUILDINGS}/{building}", headers=manager.headers)).status_code == 204
    assert (await client.get(f"{BUILDINGS}/{building}", headers=manager.headers)).status_code == 404
    assert (await client.delete(f"{BUILDINGS}/{building}", headers=manager.headers)).status_code == 404


async def test_a_building_with_open_requests_cannot_be_deleted(client, make_user, building):
    manager, resident = await make_user("manager"), await make_user()
    created = await client.post(
        "/api/v1/requests",
        json={"building_id": building, "apartment": "5", "category": "plumbing", "description": "течёт"},
        headers=resident.headers,
    )
    assert created.status_code == 201
    answer = await client.delete(f"{BUILDINGS}/{building}", headers=manager.headers)
    assert answer.status_code == 409
