"""Residents bind themselves to apartments; where the company approves residents, staff decide."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from sqlalchemy import select

from core_service.events.models import OutboxEvent
from shared.db import session_scope

RESIDENCIES = "/api/v1/residencies"
APPROVAL = {"approval_required_tenants": ["*"]}


async def events(sessionmaker, prefix="core.residency."):
    """`(event_type, data)` of the outbox's events whose channel starts with `prefix`, oldest first."""
    async for session in session_scope(sessionmaker):
        rows = (await session.execute(select(OutboxEvent).order_by(OutboxEvent.id))).scalars()
        found = [orjson.loads(orjson.dumps(row.payload)) for row in rows if row.channel.startswith(prefix)]
        return [(e["event_type"], e["data"]) for e in found]
    raise AssertionError


async def bind(client, actor, building, apartment=12, **fields):
    return await client.post(RESIDENCIES, json={"building_id": building, "apartment": apartment, **fields},
                             headers=actor.headers)


@pytest.fixture
def settings_overrides():
    return APPROVAL


async def test_a_pending_resident_asks_for_an_apartment_and_waits(client, make_user, building, sessionmaker):
    resident = await make_user(status="pending")
    manager = await make_user("manager")
    answer = await bind(client, resident, building, 12, entrance=1, document_file_id="AgAD-photo")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["status"], body["apartment"], body["entrance"]) == ("pending", 12, 1)
    assert body["document_file_id"] == "AgAD-photo"
    assert body["building"] == {"id": building, "address": "Ташкент, ул. Навои, 1"}
    assert body["user"]["id"] == resident.id and body["user"]["status"] == "pending"
    assert body["decided_by"] is None and body["decided_at"] is None and body["messages"] == []
    [(kind, data)] = await events(sessionmaker)
    assert kind == "residency.requested"
    assert data["residency_id"] == body["id"] and data["status"] == "pending"
    assert data["user_telegram_id"] == resident.telegram_id and data["apartment"] == 12
    assert data["building_address"] == "Ташкент, ул. Навои, 1"
    assert data["manager_telegram_ids"] == [manager.telegram_id]
    mine = (await client.get(RESIDENCIES, headers=resident.headers)).json()
    assert [r["id"] for r in mine["items"]] == [body["id"]]


async def test_staff_approve_and_the_resident_becomes_active(client, make_user, building, sessionmaker):
    resident = await make_user(status="pending")
    manager = await make_user("manager")
    created = (await bind(client, resident, building)).json()
    approved = await client.post(f"{RESIDENCIES}/{created['id']}/approve", headers=manager.headers)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "active" and body["decided_by"]["id"] == manager.id
    assert body["decided_at"] is not None and body["user"]["status"] == "active"
    me = (await client.get("/api/v1/auth/me", headers=resident.headers)).json()
    assert me["status"] == "active"
    kind, data = (await events(sessionmaker))[-1]
    assert kind == "residency.approved"
    assert (data["actor_id"], data["actor_name"]) == (manager.id, f"User{manager.telegram_id}")
    assert data["status"] == "active" and data["user_id"] == resident.id
    history = (await client.get(f"/api/v1/users/{resident.id}/history", headers=manager.headers)).json()
    assert [h["action"] for h in history] == ["residency_approved", "approved"]


async def test_a_stale_approval_names_who_decided_and_when(client, make_user, building):
    resident = await make_user(status="pending")
    first, second = await make_user("manager"), await make_user("admin")
    created = (await bind(client, resident, building)).json()
    rejected = await client.post(f"{RESIDENCIES}/{created['id']}/reject", json={"reason": "не тот дом"},
                                 headers=first.headers)
    assert rejected.status_code == 200 and rejected.json()["reason"] == "не тот дом"
    late = await client.post(f"{RESIDENCIES}/{created['id']}/approve", headers=second.headers)
    assert late.status_code == 409
    assert late.json()["detail"].startswith(f"already rejected by User{first.telegram_id} at 20")
    again = await client.post(f"{RESIDENCIES}/{created['id']}/reject", json={"reason": "x"},
                              headers=second.headers)
    assert again.status_code == 409 and "rejected by" in again.json()["detail"]


async def test_two_managers_approving_at_once_one_wins(client, make_user, building):
    resident = await make_user(status="pending")
    first, second = await make_user("manager"), await make_user("manager")
    created = (await bind(client, resident, building)).json()
    url = f"{RESIDENCIES}/{created['id']}/approve"
    answers = await asyncio.gather(client.post(url, headers=first.headers),
                                   client.post(url, headers=second.headers))
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert "already approved by User" in next(a for a in answers if a.status_code == 409).json()["detail"]


async def test_staff_ask_and_the_resident_answers(client, make_user, building, sessionmaker):
    resident = await make_user(status="pending")
    manager = await make_user("manager")
    created = (await bind(client, resident, building)).json()
    asked = await client.post(f"{RESIDENCIES}/{created['id']}/questions", json={"text": "Какой этаж?"},
                              headers=manager.headers)
    assert asked.status_code == 200
    not_owner = await client.post(f"{RESIDENCIES}/{created['id']}/answers", json={"text": "5"},
                                  headers=manager.headers)
    assert not_owner.status_code == 403
    answered = await client.post(f"{RESIDENCIES}/{created['id']}/answers", json={"text": "  Пятый  "},
                                 headers=resident.headers)
    assert answered.status_code == 200
    messages = answered.json()["messages"]
    assert [(m["kind"], m["text"], m["author"]["id"]) for m in messages] == [
        ("question", "Какой этаж?", manager.id), ("answer", "Пятый", resident.id)]
    kinds = await events(sessionmaker)
    assert kinds[1][0] == "residency.question_asked" and kinds[1][1]["question"] == "Какой этаж?"
    assert kinds[2][0] == "residency.answered"
    assert (kinds[2][1]["question"], kinds[2][1]["answer"]) == ("Какой этаж?", "Пятый")
    await client.post(f"{RESIDENCIES}/{created['id']}/approve", headers=manager.headers)
    late = await client.post(f"{RESIDENCIES}/{created['id']}/questions", json={"text": "Ещё?"},
                             headers=manager.headers)
    assert late.status_code == 409


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"apartment": 73}, "apartment", "apartment must be between 1 and 72"),
    ({"apartment": 5, "entrance": 3}, "entrance", "entrance must be between 1 and 2"),
])
async def test_an_apartment_or_entrance_outside_the_building_is_refused(
    client, make_user, building, fields, field, message
):
    resident = await make_user()
    body = {"building_id": building, **fields}
    answer = await client.post(RESIDENCIES, json=body, headers=resident.headers)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", field]
    assert answer.json()["detail"][0]["msg"] == message


async def test_the_same_apartment_twice_is_a_conflict_and_an_unknown_building_404(
    client, make_user, building
):
    resident = await make_user()
    assert (await bind(client, resident, building)).status_code == 201
    twice = await bind(client, resident, building)
    assert twice.status_code == 409 and twice.json()["detail"] == "you already have this apartment"
    neighbour = await make_user()
    assert (await bind(client, neighbour, building)).status_code == 201  # flatmates share it
    assert (await bind(client, resident, 999_999)).status_code == 404


async def test_the_same_apartment_sent_twice_at_once_is_bound_once(client, make_user, building):
    resident = await make_user()
    answers = await asyncio.gather(bind(client, resident, building), bind(client, resident, building))
    assert sorted(a.status_code for a in answers) == [201, 409]
    mine = (await client.get(RESIDENCIES, headers=resident.headers)).json()
    assert mine["total"] == 1


async def test_every_page_of_residencies_tells_the_same_total(client, make_user, building):
    manager = await make_user("manager")
    for _ in range(3):
        assert (await bind(client, await make_user(), building)).status_code == 201

    async def page(number: int, size: int) -> tuple[int, int]:
        params = {"page": number, "page_size": size}
        body = (await client.get(RESIDENCIES, params=params, headers=manager.headers)).json()
        return len(body["items"]), body["total"]

    # A full page, the last partial one, past the end; one exactly full, and past it.
    assert [await page(n, 2) for n in (1, 2, 3)] == [(2, 3), (1, 3), (0, 3)]
    assert [await page(n, 3) for n in (1, 2)] == [(3, 3), (0, 3)]


async def test_a_rejected_apartment_may_be_asked_for_again(client, make_user, building):
    resident, manager = await make_user(), await make_user("manager")
    first = (await bind(client, resident, building)).json()
    await client.post(f"{RESIDENCIES}/{first['id']}/reject", json={"reason": "нет документа"},
                      headers=manager.headers)
    again = await bind(client, resident, building, document_file_id="AgAD-lease")
    assert again.status_code == 201 and again.json()["status"] == "pending"


async def test_others_do_not_see_a_residency_and_staff_see_pending_oldest_first(client, make_user, building):
    first, second, stranger = await make_user(), await make_user(), await make_user()
    manager = await make_user("manager")
    older = (await bind(client, first, building, 1)).json()
    newer = (await bind(client, second, building, 2)).json()
    assert (await client.get(f"{RESIDENCIES}/{older['id']}", headers=stranger.headers)).status_code == 404
    assert (await client.get(f"{RESIDENCIES}/{older['id']}", headers=first.headers)).status_code == 200
    listed = (await client.get(RESIDENCIES, params={"status": "pending"}, headers=manager.headers)).json()
    assert [r["id"] for r in listed["items"]] == [older["id"], newer["id"]]
    ignored = (await client.get(RESIDENCIES, params={"user_id": first.id}, headers=second.headers)).json()
    assert [r["id"] for r in ignored["items"]] == [newer["id"]]


async def test_staff_bind_someone_at_once_and_owners_remove_their_binding(
    client, make_user, building, sessionmaker
):
    resident = await make_user(status="pending")
    manager = await make_user("manager")
    other = await make_user()
    bound = await bind(client, manager, building, 7, user_id=resident.id)
    assert bound.status_code == 201
    assert bound.json()["status"] == "active" and bound.json()["user"]["status"] == "active"
    refused = await bind(client, other, building, 8, user_id=resident.id)
    assert refused.status_code == 403
    removed = await client.delete(f"{RESIDENCIES}/{bound.json()['id']}", headers=resident.headers)
    assert removed.status_code == 204
    assert [kind for kind, _ in await events(sessionmaker)] == ["residency.approved", "residency.removed"]
    gone = await client.get(f"{RESIDENCIES}/{bound.json()['id']}", headers=manager.headers)
    assert gone.status_code == 404


@pytest.mark.parametrize("settings_overrides", [{}])
async def test_without_approval_a_residency_is_active_at_once(client, make_user, building, sessionmaker):
    resident = await make_user()
    body = (await bind(client, resident, building)).json()
    assert body["status"] == "active" and body["decided_at"] is not None and body["decided_by"] is None
    assert [kind for kind, _ in await events(sessionmaker)] == ["residency.approved"]
