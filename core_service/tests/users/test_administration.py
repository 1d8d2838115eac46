"""Administering people: roles with a reason, blocking, the history of it all, and finding residents."""

from __future__ import annotations

import orjson
from sqlalchemy import select

from core_service.events.models import OutboxEvent
from shared.db import session_scope

USERS = "/api/v1/users"


async def user_events(sessionmaker):
    """`(event_type, data)` of the outbox's `core.user.*` events, oldest first."""
    async for session in session_scope(sessionmaker):
        rows = (await session.execute(select(OutboxEvent).order_by(OutboxEvent.id))).scalars()
        found = [orjson.loads(orjson.dumps(r.payload)) for r in rows if r.channel.startswith("core.user.")]
        return [(e["event_type"], e["data"]) for e in found]
    raise AssertionError


async def test_changing_roles_needs_a_comment(client, make_user):
    admin, user = await make_user("admin"), await make_user()
    url = f"{USERS}/{user.id}/roles"
    for body in ({"roles": ["executor"]}, {"roles": ["executor"], "comment": "   "},
                 {"roles": ["executor"], "comment": "x" * 501}):
        answer = await client.put(url, json=body, headers=admin.headers)
        assert answer.status_code == 422, body
        assert answer.json()["detail"][0]["loc"] == ["body", "comment"]


async def test_a_role_change_is_in_the_history_and_the_outbox(client, make_user, sessionmaker):
    admin, user = await make_user("admin"), await make_user()
    body = {"roles": ["executor"], "specializations": ["plumbing"], "comment": "new plumber"}
    assert (await client.put(f"{USERS}/{user.id}/roles", json=body, headers=admin.headers)).status_code == 200
    [(kind, data)] = await user_events(sessionmaker)
    assert kind == "user.roles_changed"
    assert data == {
        "user_id": user.id, "user_telegram_id": user.telegram_id, "user_language": "ru",
        "roles": ["executor"], "specializations": ["plumbing"], "previous_roles": ["applicant"],
        "previous_specializations": [], "comment": "new plumber", "actor_id": admin.id,
        "actor_name": f"User{admin.telegram_id}",
    }
    [entry] = (await client.get(f"{USERS}/{user.id}/history", headers=admin.headers)).json()
    assert (entry["action"], entry["comment"]) == ("roles_changed", "new plumber")
    assert entry["before"] == {"roles": ["applicant"], "specializations": []}
    assert entry["after"] == {"roles": ["executor"], "specializations": ["plumbing"]}
    assert entry["actor"] == {"id": admin.id, "name": f"User{admin.telegram_id}"}


async def test_setting_the_roles_a_user_has_records_nothing(client, make_user, sessionmaker):
    admin, user = await make_user("admin"), await make_user()
    body = {"roles": ["executor"], "specializations": ["plumbing"], "comment": "new plumber"}
    for _ in range(2):
        answer = await client.put(f"{USERS}/{user.id}/roles", json=body, headers=admin.headers)
        assert answer.status_code == 200
        assert answer.json()["roles"] == ["executor"]
    assert [kind for kind, _ in await user_events(sessionmaker)] == ["user.roles_changed"]
    assert len((await client.get(f"{USERS}/{user.id}/history", headers=admin.headers)).json()) == 1


async def test_blocking_and_unblocking_tell_the_user_and_stay_in_the_history(client, make_user, sessionmaker):
    manager, resident = await make_user("manager"), await make_user()
    url = f"{USERS}/{resident.id}/status"
    blocked = await client.patch(url, json={"status": "blocked", "comment": "spam"}, headers=manager.headers)
    assert blocked.status_code == 200
    assert (await client.patch(url, json={"status": "active"}, headers=manager.headers)).status_code == 200
    (first, first_data), (second, second_data) = await user_events(sessionmaker)
    assert (first, first_data["comment"], first_data["actor_id"]) == ("user.blocked", "spam", manager.id)
    assert first_data["user_telegram_id"] == resident.telegram_id
    assert (second, second_data["comment"]) == ("user.unblocked", None)
    history = (await client.get(f"{USERS}/{resident.id}/history", headers=manager.headers)).json()
    assert [(h["action"], h["comment"]) for h in history] == [("unblocked", None), ("blocked", "spam")]
    assert history[1]["before"] == {"status": "active"} and history[1]["after"] == {"status": "blocked"}
    assert (await client.get(f"{USERS}/{resident.id}/history", headers=resident.headers)).status_code == 403


async def test_only_admins_block_managers_and_nobody_blocks_themselves(client, make_user):
    manager, other_manager = await make_user("manager"), await make_user("manager")
    admin, executor = await make_user("admin"), await make_user("executor")
    block = {"status": "blocked"}
    assert (await client.patch(f"{USERS}/{other_manager.id}/status", json=block,
                               headers=manager.headers)).status_code == 403
    assert (await client.patch(f"{USERS}/{executor.id}/status", json=block,
                               headers=manager.headers)).status_code == 200
    assert (await client.patch(f"{USERS}/{other_manager.id}/status", json=block,
                               headers=admin.headers)).status_code == 200
    assert (await client.patch(f"{USERS}/{admin.id}/status", json=block,
                               headers=admin.headers)).status_code == 403


async def test_staff_find_the_residents_of_an_apartment_and_by_at_username(
    client, make_user, building, service_headers
):
    manager = await make_user("manager")
    upstairs, downstairs, elsewhere = await make_user(), await make_user(), await make_user()
    for actor, apartment in ((upstairs, 12), (downstairs, 3)):
        await client.post("/api/v1/residencies", json={"building_id": building, "apartment": apartment},
                          headers=actor.headers)
    found = (await client.get(USERS, params={"building_id": building, "apartment": 12},
                              headers=manager.headers)).json()
    assert [u["id"] for u in found["items"]] == [upstairs.id]
    in_building = (await client.get(USERS, params={"building_id": building}, headers=manager.headers)).json()
    assert {u["id"] for u in in_building["items"]} == {upstairs.id, downstairs.id}
    login = {"telegram_id": elsewhere.telegram_id, "username": "dilnoza_k"}
    await client.post("/api/v1/auth/telegram", json=login, headers=service_headers)
    for q in ("@dilnoza_k", "dilnoza"):
        by_handle = (await client.get(USERS, params={"q": q}, headers=manager.headers)).json()
        assert [u["id"] for u in by_handle["items"]] == [elsewhere.id], q
