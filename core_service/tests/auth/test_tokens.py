"""Access tokens, refresh rotation with reuse detection, logout, blocked users."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest

SECRET = "test-jwt-secret-0123456789abcdef"
REFRESH = "/api/v1/auth/refresh"
ME = "/api/v1/auth/me"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_me_answers_the_signed_in_user(client, make_user):
    user = await make_user("executor", specializations=("plumbing",))
    body = (await client.get(ME, headers=user.headers)).json()
    assert body["id"] == user.id and body["roles"] == ["executor"] and body["specializations"] == ["plumbing"]


async def test_missing_garbage_and_foreign_tokens_are_401(client, make_user):
    user = await make_user()
    forged = jwt.encode(
        {"sub": str(user.id), "typ": "access", "jti": "x", "exp": 9_999_999_999},
        "another-secret-0123456789-0123456789",
        algorithm="HS256",
    )
    for headers in ({}, bearer("garbage"), bearer(forged), bearer(user.refresh_token)):
        assert (await client.get(ME, headers=headers)).status_code == 401


async def test_expired_access_token_is_401(client, make_user):
    user = await make_user()
    expired = jwt.encode(
        {
            "sub": str(user.id),
            "tid": "default",
            "typ": "access",
            "jti": "x",
            "ver": 0,
            "exp": datetime.now(UTC) - timedelta(seconds=1),
        },
        SECRET,
        algorithm="HS256",
    )
    answer = await client.get(ME, headers=bearer(expired))
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]


async def test_a_token_that_passed_is_refused_from_the_second_it_expires(client, make_user):
    user = await make_user()
    expires = int(time.time()) + 2
    claims = {"sub": str(user.id), "tid": "default", "typ": "access", "jti": "y", "ver": 0, "exp": expires}
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    assert (await client.get(ME, headers=bearer(token))).status_code == 200
    await asyncio.sleep(expires - time.time() + 0.05)
    answer = await client.get(ME, headers=bearer(token))
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]


async def test_refresh_rotates_and_the_new_tokens_work(client, make_user):
    user = await make_user()
    answer = await client.post(REFRESH, json={"refresh_token": user.refresh_token})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["refresh_token"] != user.refresh_token and body["user"]["id"] == user.id
    assert (await client.get(ME, headers=bearer(body["access_token"]))).status_code == 200
    again = await client.post(REFRESH, json={"refresh_token": body["refresh_token"]})
    assert again.status_code == 200


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client, make_user):
    user = await make_user()
    rotated = (await client.post(REFRESH, json={"refresh_token": user.refresh_token})).json()
    reuse = await client.post(REFRESH, json={"refresh_token": user.refresh_token})
    assert reuse.status_code == 401 and "reuse" in reuse.json()["detail"]
    # The legitimate newest token of that family is dead too: the thief and the owner both sign in again.
    after = await client.post(REFRESH, json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401


async def test_reuse_in_one_family_leaves_other_logins_alone(client, make_user, service_headers):
    user = await make_user()
    other = (
        await client.post(
            "/api/v1/auth/telegram", json={"telegram_id": user.telegram_id}, headers=service_headers
        )
    ).json()
    await client.post(REFRESH, json={"refresh_token": user.refresh_token})
    await client.post(REFRESH, json={"refresh_token": user.refresh_token})
    assert (await client.post(REFRESH, json={"refresh_token": other["refresh_token"]})).status_code == 200


async def test_an_access_token_cannot_refresh(client, make_user):
    user = await make_user()
    assert (await client.post(REFRESH, json={"refresh_token": user.access_token})).status_code == 401
    assert (await client.post(REFRESH, json={})).status_code == 422


async def test_logout_ends_access_and_refresh_tokens(client, make_user):
    user = await make_user()
    answer = await client.post("/api/v1/auth/logout", headers=user.headers)
    assert answer.status_code == 200 and answer.json() == {"status": "logged_out"}
    assert (await client.get(ME, headers=user.headers)).status_code == 401
    assert (await client.post(REFRESH, json={"refresh_token": user.refresh_token})).status_code == 401


async def test_blocked_user_gets_403_everywhere(client, make_user, building):
    manager = await make_user("manager")
    user = await make_user()
    blocked = await client.patch(
        f"/api/v1/users/{user.id}/status", json={"status": "blocked"}, headers=manager.headers
    )
    assert blocked.status_code == 200 and blocked.json()["status"] == "blocked"
    calls = [
        ("GET", ME, None),
        ("GET", "/api/v1/requests", None),
        ("GET", "/api/v1/buildings", None),
        (
            "POST",
            "/api/v1/requests",
            {"building_id": building, "apartment": "1", "category": "plumbing", "description": "течёт кран"},
        ),
        ("GET", f"/api/v1/users/{user.id}", None),
        ("POST", "/api/v1/auth/logout", None),
        ("POST", "/api/v1/auth/permissions/check", {"action": "request.create"}),
    ]
    for method, url, body in calls:
        answer = await client.request(method, url, json=body, headers=user.headers)
        assert answer.status_code == 403, (method, url, answer.text)
    assert (await client.post(REFRESH, json={"refresh_token": user.refresh_token})).status_code == 403


def _signed(user_id: int, **changes: object) -> str:
    """An access token signed with the real key, its claims changed (None removes one)."""
    claims: dict[str, object] = {"sub": str(user_id), "tid": "default", "typ": "access", "jti": "j", "ver": 0,
                                 "exp": int((datetime.now(UTC) + timedelta(minutes=5)).timestamp())}
    claims.update(changes)
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, SECRET, algorithm="HS256")


MISSHAPEN: list[dict[str, object]] = [
    {"exp": 10**20}, {"exp": 2**63}, {"exp": "soon"}, {"exp": 1.5e300}, {"exp": True},
    {"sub": "1" * 40}, {"sub": "3000000000"}, {"sub": "abc"}, {"sub": "-1"}, {"sub": 5}, {"sub": "0"},
    {"sub": None}, {"typ": None}, {"jti": None}, {"exp": None}, {"jti": ["x"]}, {"jti": "x" * 37},
    {"jti": "a\x00b"}, {"tid": 5}, {"tid": "../x"}, {"ver": "0"}, {"ver": 2**40}, {"fam": {"a": 1}},
    {"iat": 10**20}, {"nbf": 10**20},
]


@pytest.mark.parametrize("changes", MISSHAPEN, ids=[repr(c)[:40] for c in MISSHAPEN])
async def test_a_validly_signed_token_with_misshapen_claims_is_401(client, make_user, changes):
    user = await make_user()
    token = _signed(user.id, **changes)
    answer = await client.get(ME, headers=bearer(token))
    assert answer.status_code == 401, answer.text
    refresh = _signed(user.id, **{"typ": "refresh", "fam": "f", **changes})
    assert (await client.post(REFRESH, json={"refresh_token": refresh})).status_code == 401
    assert (await client.get(ME, headers=user.headers)).status_code == 200


async def test_a_token_signed_with_the_real_key_and_sane_claims_is_accepted(client, make_user):
    user = await make_user()
    assert (await client.get(ME, headers=bearer(_signed(user.id)))).status_code == 200
