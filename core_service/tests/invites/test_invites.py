"""An admin's invite link gives its role once: to the first who opens it, before it expires."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy import select, update

from core_service.events.models import OutboxEvent
from core_service.invites.models import Invite
from shared.db import session_scope

INVITES = "/api/v1/invites"
REDEEM = f"{INVITES}/redeem"


async def invite(client, admin, **fields):
    answer = await client.post(INVITES, json={"role": "executor", **fields}, headers=admin.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_an_invite_makes_an_executor_of_a_pending_user(client, make_user, sessionmaker):
    admin = await make_user("admin")
    newcomer = await make_user(status="pending")
    created = await invite(client, admin, specializations=["plumbing", "heating"], expires_in_hours=24)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", created["token"])
    assert len(f"inv_{created['token']}") <= 64
    assert created["role"] == "executor" and created["specializations"] == ["plumbing", "heating"]
    redeemed = await client.post(REDEEM, json={"token": created["token"]}, headers=newcomer.headers)
    assert redeemed.status_code == 200, redeemed.text
    user = redeemed.json()
    assert user["roles"] == ["applicant", "executor"] and user["active_role"] == "executor"
    assert user["specializations"] == ["plumbing", "heating"] and user["status"] == "active"
    listed = (await client.get(INVITES, headers=admin.headers)).json()
    [shown] = listed["items"]
    assert shown["state"] == "used" and shown["used_by"]["id"] == newcomer.id and "token" not in shown
    history = (await client.get(f"/api/v1/users/{newcomer.id}/history", headers=admin.headers)).json()
    assert [(h["action"], h["comment"]) for h in history] == [("invite_redeemed", "invite")]
    async for session in session_scope(sessionmaker):
        rows = (await session.execute(select(OutboxEvent))).scalars()
        changed = [r.payload for r in rows if r.channel == "core.user.roles_changed"]
        [event] = [orjson.loads(orjson.dumps(payload)) for payload in changed]
        stored = (await session.execute(select(Invite.token_hash))).scalar_one()
    assert event["data"]["comment"] == "invite" and event["data"]["roles"] == ["applicant", "executor"]
    assert event["data"]["actor_id"] == admin.id and created["token"] not in stored


async def test_two_people_redeeming_one_link_at_once_only_one_gets_it(client, make_user):
    admin = await make_user("admin")
    first, second = await make_user(), await make_user()
    token = (await invite(client, admin, role="manager"))["token"]
    answers = await asyncio.gather(
        client.post(REDEEM, json={"token": token}, headers=first.headers),
        client.post(REDEEM, json={"token": token}, headers=second.headers),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    lost = next(a for a in answers if a.status_code == 409)
    assert lost.json()["detail"] == "this invite link has already been used"


async def test_an_expired_link_is_gone_and_a_forged_one_not_found(client, make_user, sessionmaker):
    admin, user = await make_user("admin"), await make_user()
    token = (await invite(client, admin))["token"]
    async for session in session_scope(sessionmaker):
        await session.execute(update(Invite).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    expired = await client.post(REDEEM, json={"token": token}, headers=user.headers)
    assert expired.status_code == 410 and expired.json()["detail"] == "this invite link has expired"
    assert (await client.get(INVITES, headers=admin.headers)).json()["items"][0]["state"] == "expired"
    forged = await client.post(REDEEM, json={"token": "A" * 32}, headers=user.headers)
    assert forged.status_code == 404 and forged.json()["detail"] == "this invite link is not valid"


async def test_only_admins_invite_and_specializations_are_for_executors(client, make_user):
    admin, manager = await make_user("admin"), await make_user("manager")
    assert (await client.post(INVITES, json={"role": "executor"}, headers=manager.headers)).status_code == 403
    assert (await client.get(INVITES, headers=manager.headers)).status_code == 403
    wrong = await client.post(INVITES, json={"role": "manager", "specializations": ["plumbing"]},
                              headers=admin.headers)
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "specializations"]
    month = {"role": "admin", "expires_in_hours": 721}
    too_long = await client.post(INVITES, json=month, headers=admin.headers)
    assert too_long.status_code == 422
