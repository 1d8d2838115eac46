"""`/api/v1/users`: search, profiles, roles, status, executors; who may do what."""

from __future__ import annotations

import pytest

USERS = "/api/v1/users"


async def test_managers_search_users_by_name_phone_and_telegram_id(client, make_user):
    manager = await make_user("manager")
    resident = await make_user(telegram_id=998901234)
    await client.patch(
        f"{USERS}/{resident.id}",
        json={"phone": "+998 90 123-45-67", "last_name": "Каримов"},
        headers=resident.headers,
    )
    for q in ("Каримов", "998 90", "998901234", "user998901234"):
        body = (await client.get(USERS, params={"q": q}, headers=manager.headers)).json()
        assert [u["id"] for u in body["items"]] == [resident.id], q
    page = (await client.get(USERS, params={"page_size": 1}, headers=manager.headers)).json()
    assert page["total"] == 2 and page["page"] == 1 and page["page_size"] == 1 and len(page["items"]) == 1


async def test_users_are_filtered_by_role_and_status(client, make_user):
    manager = await make_user("manager")
    executor = await make_user("executor", specializations=("plumbing",))
    await make_user(status="pending")
    by_role = (await client.get(USERS, params={"role": "executor"}, headers=manager.headers)).json()
    assert [u["id"] for u in by_role["items"]] == [executor.id]
    pending = (await client.get(USERS, params={"status": "pending"}, headers=manager.headers)).json()
    assert pending["total"] == 1
    bad = await client.get(USERS, params={"role": "king"}, headers=manager.headers)
    assert bad.status_code == 422


async def test_applicants_and_executors_cannot_list_users(client, make_user):
    for roles in (("applicant",), ("executor",)):
        user = await make_user(*roles)
        assert (await client.get(USERS, headers=user.headers)).status_code == 403


async def test_the_service_token_reads_users_by_telegram_id(client, make_user, service_headers):
    user = await make_user(telegram_id=555)
    answer = await client.get(f"{USERS}/by-telegram/555", headers=service_headers)
    assert answer.status_code == 200 and answer.json()["id"] == user.id
    assert (await client.get(f"{USERS}/by-telegram/556", headers=service_headers)).status_code == 404
    other_tenant = {**service_headers, "X-Tenant-ID": "other"}
    assert (await client.get(f"{USERS}/by-telegram/555", headers=other_tenant)).status_code == 404


async def test_a_user_reads_only_their_own_profile(client, make_user):
    me, other = await make_user(), await make_user()
    assert (await client.get(f"{USERS}/{me.id}", headers=me.headers)).status_code == 200
    assert (await client.get(f"{USERS}/{other.id}", headers=me.headers)).status_code == 404
    assert (
        await client.get(f"{USERS}/by-telegram/{other.telegram_id}", headers=me.headers)
    ).status_code == 404
    assert (await client.get(f"{USERS}/999999", headers=me.headers)).status_code == 404


async def test_own_profile_changes_names_phone_and_language(client, make_user):
    me, other = await make_user(), await make_user()
    answer = await client.patch(
        f"{USERS}/{me.id}",
        json={"first_name": "Дилноза", "language": "uz", "phone": "+998901112233"},
        headers=me.headers,
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["first_name"] == "Дилноза" and body["language"] == "uz" and body["phone"] == "+998901112233"
    assert (
        await client.patch(f"{USERS}/{other.id}", json={"first_name": "x"}, headers=me.headers)
    ).status_code == 403


async def test_a_pending_user_may_still_choose_their_language(client, make_user):
    pending = await make_user(status="pending")
    answer = await client.patch(f"{USERS}/{pending.id}", json={"language": "uz"}, headers=pending.headers)
    assert answer.status_code == 200 and answer.json()["language"] == "uz"


@pytest.mark.parametrize("body", [{"language": "en"}, {"phone": "call me"}, {"first_name": "x" * 200}])
async def test_invalid_profile_changes_are_422(client, make_user, body):
    me = await make_user()
    assert (await client.patch(f"{USERS}/{me.id}", json=body, headers=me.headers)).status_code == 422


async def test_active_role_must_be_one_of_the_users_roles(client, make_user):
    me = await make_user("manager", "executor")
    ok = await client.patch(f"{USERS}/{me.id}", json={"active_role": "executor"}, headers=me.headers)
    assert ok.json()["active_role"] == "executor"
    refused = await client.patch(f"{USERS}/{me.id}", json={"active_role": "admin"}, headers=me.headers)
    assert refused.status_code == 403


async def test_only_admins_set_roles_and_specializations(client, make_user):
    admin, manager, user = await make_user("admin"), await make_user("manager"), await make_user()
    body = {"roles": ["executor", "applicant"], "specializations": ["plumbing", "heating"],
            "comment": "plumber from December"}
    assert (
        await client.put(f"{USERS}/{user.id}/roles", json=body, headers=manager.headers)
    ).status_code == 403
    answer = await client.put(f"{USERS}/{user.id}/roles", json=body, headers=admin.headers)
    assert answer.status_code == 200
    assert answer.json()["roles"] == ["executor", "applicant"]
    assert answer.json()["specializations"] == ["plumbing", "heating"]
    assert answer.json()["active_role"] == "executor"
    roles = f"{USERS}/{user.id}/roles"
    bad = await client.put(roles, json={"roles": ["wizard"], "comment": "x"}, headers=admin.headers)
    assert bad.status_code == 422
    assert (
        await client.put(roles, json={"roles": [], "comment": "x"}, headers=admin.headers)
    ).status_code == 422


async def test_managers_approve_and_block_users(client, make_user):
    manager, admin = await make_user("manager"), await make_user("admin")
    pending = await make_user(status="pending")
    answer = await client.patch(
        f"{USERS}/{pending.id}/status", json={"status": "active"}, headers=manager.headers
    )
    assert answer.status_code == 200 and answer.json()["status"] == "active"
    assert (await client.get("/api/v1/requests", headers=pending.headers)).status_code == 200
    own = await client.patch(
        f"{USERS}/{manager.id}/status", json={"status": "blocked"}, headers=manager.headers
    )
    assert own.status_code == 403
    on_admin = await client.patch(
        f"{USERS}/{admin.id}/status", json={"status": "blocked"}, headers=manager.headers
    )
    assert on_admin.status_code == 403
    assert (
        await client.patch(f"{USERS}/{pending.id}/status", json={"status": "gone"}, headers=manager.headers)
    ).status_code == 422
    resident = await make_user()
    assert (
        await client.patch(
            f"{USERS}/{pending.id}/status", json={"status": "blocked"}, headers=resident.headers
        )
    ).status_code == 403


async def test_executors_are_listed_by_specialization(client, make_user, service_headers):
    manager = await make_user("manager")
    plumber = await make_user("executor", specializations=("plumbing",))
    electrician = await make_user("executor", specializations=("electricity",))
    await make_user("executor", specializations=("plumbing",), status="blocked")
    url = f"{USERS}/executors"
    plumbers = (await client.get(url, params={"specialization": "plumbing"}, headers=manager.headers)).json()
    assert [u["id"] for u in plumbers["items"]] == [plumber.id]
    every = (await client.get(url, headers=service_headers)).json()
    assert {u["id"] for u in every["items"]} == {plumber.id, electrician.id}
    assert (
        await client.get(url, params={"specialization": "magic"}, headers=manager.headers)
    ).status_code == 422
