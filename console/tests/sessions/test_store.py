"""Sessions: an access token about to expire is refreshed through Core once, even when several
pages ask at the same moment (Core revokes a refresh token presented twice)."""

from __future__ import annotations

import asyncio
import hashlib

import orjson

from console.sessions.store import COOKIE, PREFIX
from shared.app import resources_of


async def test_an_expiring_token_is_refreshed_once_for_pages_loading_together(browser, signed_in,
                                                                              console_app):
    redis = resources_of(console_app).redis
    session_id = browser.cookies[COOKIE]
    key = PREFIX + hashlib.sha256(session_id.encode()).hexdigest()
    stored = orjson.loads(await redis.get(key) or b"")
    stored["access_expires_at"] = 0
    await redis.set(key, orjson.dumps(stored), keepttl=True)
    pages = await asyncio.gather(*(browser.get("/board") for _ in range(4)))
    assert [p.status_code for p in pages] == [200] * 4
    renewed = orjson.loads(await redis.get(key) or b"")
    assert renewed["refresh_token"] != stored["refresh_token"] and renewed["csrf"] == stored["csrf"]
    assert renewed["access_expires_at"] > stored["access_expires_at"]
    assert (await browser.get("/board")).status_code == 200  # the family was not revoked


async def test_a_session_whose_tokens_core_revoked_sends_to_sign_in(browser, signed_in, core):
    await core.post("/api/v1/auth/logout", headers=signed_in.headers)  # signed out elsewhere
    answer = await browser.get("/board")
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
