"""`POST /api/v1/auth/telegram`: the bot gateway signs users in with its service token."""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest

SECRET = "test-jwt-secret-0123456789abcdef"
LOGIN = "/api/v1/auth/telegram"


async def test_new_user_becomes_an_active_applicant_with_tokens(client, service_headers):
    answer = await client.post(
        LOGIN,
        json={
            "telegram_id": 42,
            "first_name": "Алишер",
            "last_name": "Н",
            "username": "alisher",
            "language_code": "uz",
        },
        headers=service_headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    user = body["user"]
    assert user["telegram_id"] == 42 and user["roles"] == ["applicant"] and user["status"] == "active"
    assert user["language"] == "uz" and user["name"] == "Алишер Н"
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == str(user["id"]) and claims["typ"] == "access"
    assert 890 <= claims["exp"] - time.time() <= 901
    refresh = jwt.decode(body["refresh_token"], SECRET, algorithms=["HS256"])
    assert 30 * 86400 - 20 <= refresh["exp"] - time.time() <= 30 * 86400 + 1


async def test_same_telegram_user_is_found_not_duplicated(client, service_headers):
    first = (await client.post(LOGIN, json={"telegram_id": 43}, headers=service_headers)).json()
    second = (
        await client.post(LOGIN, json={"telegram_id": 43, "first_name": "New"}, headers=service_headers)
    ).json()
    assert first["user"]["id"] == second["user"]["id"]
    assert second["user"]["first_name"] == "New"


async def test_a_newcomers_first_sign_in_sent_twice_at_once_makes_one_user(client, service_headers):
    answers = await asyncio.gather(*(client.post(LOGIN, json={"telegram_id": 44}, headers=service_headers)
                                     for _ in range(2)))
    assert [answer.status_code for answer in answers] == [200, 200]
    assert len({answer.json()["user"]["id"] for answer in answers}) == 1


async def test_russian_is_the_default_language(client, service_headers):
    body = (
        await client.post(LOGIN, json={"telegram_id": 44, "language_code": "en"}, headers=service_headers)
    ).json()
    assert body["user"]["language"] == "ru"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}])
async def test_login_without_the_service_token_is_401(client, headers):
    answer = await client.post(LOGIN, json={"telegram_id": 45}, headers=headers)
    assert answer.status_code == 401


async def test_a_user_access_token_is_not_a_service_token(client, make_user):
    user = await make_user()
    answer = await client.post(LOGIN, json={"telegram_id": 46}, headers=user.headers)
    assert answer.status_code == 401


@pytest.mark.parametrize("body", [{}, {"telegram_id": "abc"}, {"telegram_id": -1}])
async def test_malformed_login_is_422(client, service_headers, body):
    answer = await client.post(LOGIN, json=body, headers=service_headers)
    assert answer.status_code == 422


async def test_users_of_two_tenants_are_separate(client, service_headers):
    a = await client.post(LOGIN, json={"telegram_id": 47}, headers={**service_headers, "X-Tenant-ID": "a"})
    b = await client.post(LOGIN, json={"telegram_id": 47}, headers={**service_headers, "X-Tenant-ID": "b"})
    assert a.json()["user"]["id"] != b.json()["user"]["id"]
    assert b.json()["user"]["tenant_id"] == "b"
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {a.json()['access_token']}", "X-Tenant-ID": "b"}
    )
    assert me.status_code == 403


async def test_a_blocked_user_signs_in_to_learn_they_are_blocked_and_can_do_nothing(
    client, service_headers, make_user
):
    user = await make_user(status="blocked")
    answer = await client.post(LOGIN, json={"telegram_id": user.telegram_id}, headers=service_headers)
    assert answer.status_code == 200 and answer.json()["user"]["status"] == "blocked"
    token = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    me = await client.get("/api/v1/auth/me", headers=token)
    assert me.status_code == 403 and me.json()["detail"] == "user is blocked"


@pytest.mark.parametrize("settings_overrides", [{"approval_required_tenants": ["strict"]}])
async def test_tenant_requiring_approval_makes_new_users_pending(client, service_headers, settings_overrides):
    strict_headers = {**service_headers, "X-Tenant-ID": "strict"}
    strict = await client.post(LOGIN, json={"telegram_id": 48}, headers=strict_headers)
    assert strict.json()["user"]["status"] == "pending"
    token = {"Authorization": f"Bearer {strict.json()['access_token']}", "X-Tenant-ID": "strict"}
    assert (await client.get("/api/v1/auth/me", headers=token)).status_code == 200
    assert (await client.get("/api/v1/requests", headers=token)).status_code == 403
    relaxed = await client.post(LOGIN, json={"telegram_id": 48}, headers=service_headers)
    assert relaxed.json()["user"]["status"] == "active"
