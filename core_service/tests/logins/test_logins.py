"""A console sign-in: started by the console, answered once in the bot by a manager or admin,
claimed once for the person's tokens, within 5 minutes."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import select, update

from core_service.logins.models import ConsoleLogin
from shared.db import session_scope

LOGINS = "/api/v1/logins"


async def start(client, service_headers, browser="Chrome on Linux"):
    answer = await client.post(LOGINS, json={"browser": browser}, headers=service_headers)
    assert answer.status_code == 201, answer.text
    return answer.json()["nonce"]


async def test_a_manager_confirms_and_the_console_claims_the_tokens_once(client, make_user, service_headers,
                                                                        sessionmaker):
    manager = await make_user("manager")
    nonce = await start(client, service_headers)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", nonce) and len(f"login_{nonce}") <= 64
    read = (await client.get(f"{LOGINS}/{nonce}", headers=service_headers)).json()
    assert read["browser"] == "Chrome on Linux" and read["state"] == "pending"
    waiting = await client.post(f"{LOGINS}/{nonce}/claim", headers=service_headers)
    assert waiting.status_code == 202 and waiting.json() == {"state": "pending"}
    confirmed = await client.post(f"{LOGINS}/{nonce}/confirm", headers=manager.headers)
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    claimed = await client.post(f"{LOGINS}/{nonce}/claim", headers=service_headers)
    assert claimed.status_code == 200, claimed.text
    tokens = claimed.json()
    assert tokens["user"]["id"] == manager.id
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["id"] == manager.id
    again = await client.post(f"{LOGINS}/{nonce}/claim", headers=service_headers)
    assert again.status_code == 409
    async for session in session_scope(sessionmaker):
        stored = (await session.execute(select(ConsoleLogin.nonce_hash))).scalar_one()
    assert nonce not in stored


async def test_a_resident_or_an_executor_may_not_confirm_but_may_decline(client, make_user, service_headers):
    resident = await make_user("resident")
    executor = await make_user("executor", specializations=("plumbing",))
    nonce = await start(client, service_headers)
    for person in (resident, executor):
        refused = await client.post(f"{LOGINS}/{nonce}/confirm", headers=person.headers)
        assert refused.status_code == 403
    assert (await client.post(f"{LOGINS}/{nonce}/claim", headers=service_headers)).status_code == 202
    declined = await client.post(f"{LOGINS}/{nonce}/decline", headers=resident.headers)
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    assert (await client.post(f"{LOGINS}/{nonce}/claim", headers=service_headers)).status_code == 403


async def test_an_answered_sign_in_cannot_be_answered_again(client, make_user, service_headers):
    first, second = await make_user("manager"), await make_user("admin")
    nonce = await start(client, service_headers)
    answers = await asyncio.gather(
        client.post(f"{LOGINS}/{nonce}/confirm", headers=first.headers),
        client.post(f"{LOGINS}/{nonce}/decline", headers=second.headers),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]


async def test_an_expired_sign_in_is_gone(client, make_user, service_headers, sessionmaker):
    manager = await make_user("manager")
    nonce = await start(client, service_headers)
    async for session in session_scope(sessionmaker):
        await session.execute(update(ConsoleLogin).values(expires_at=ConsoleLogin.created_at))
    assert (await client.get(f"{LOGINS}/{nonce}", headers=service_headers)).json()["state"] == "expired"
    assert (await client.post(f"{LOGINS}/{nonce}/confirm", headers=manager.headers)).status_code == 410
    assert (await client.post(f"{LOGINS}/{nonce}/claim", headers=service_headers)).status_code == 410


async def test_unknown_nonces_other_tenants_and_users_without_the_service_token(client, make_user,
                                                                               service_headers):
    manager = await make_user("manager")
    elsewhere = await make_user("manager", tenant="other")
    nonce = await start(client, service_headers)
    assert (await client.get(f"{LOGINS}/nope", headers=service_headers)).status_code == 404
    assert (await client.post(f"{LOGINS}/{nonce}/confirm", headers=elsewhere.headers)).status_code == 404
    other_tenant = {**service_headers, "X-Tenant-ID": "other"}
    assert (await client.post(f"{LOGINS}/{nonce}/claim", headers=other_tenant)).status_code == 404
    assert (await client.post(LOGINS, json={"browser": "x"}, headers=manager.headers)).status_code == 401
    assert (await client.post(f"{LOGINS}/{nonce}/claim", headers=manager.headers)).status_code == 401
