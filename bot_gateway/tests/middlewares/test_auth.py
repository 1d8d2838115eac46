"""Auth: Redis, else bot_sessions, else Core; refresh before expiry; inactive users; Core down."""

from __future__ import annotations

import time
from typing import Any

import orjson
from aiogram.fsm.storage.base import StorageKey
from bot_fakes import FakeCore, FakeTelegram
from redis.asyncio import Redis
from sqlalchemy import select

from bot_gateway.dependencies import runtime_of
from bot_gateway.i18n import t
from bot_gateway.sessions.models import BotSession
from bot_gateway.sessions.schemas import UserSession
from bot_gateway.sessions.store import SessionStore
from shared.app import resources_of


async def _ask(telegram: FakeTelegram, chat: int, text: str, count: int) -> None:
    await telegram.updates.put(telegram.message(chat, text))
    await telegram.wait_for(lambda: len(telegram.texts(chat)) >= count)


async def _cached_session(app: Any, chat: int) -> tuple[SessionStore, UserSession]:
    store = runtime_of(app).services.sessions.store
    session = await store.cached(chat)
    assert session is not None
    return store, session


async def test_first_update_signs_in_once_and_stores_encrypted_tokens(run_app, telegram, core: FakeCore):
    async with run_app() as (app, _):
        await _ask(telegram, 701, "/menu", 1)
        await _ask(telegram, 701, "/menu", 2)
        async with resources_of(app).sessions() as db:
            row = (await db.scalars(select(BotSession))).one()
    assert core.count("/api/v1/auth/telegram") == 1
    assert row.telegram_id == 701 and row.role == "applicant" and row.language == "ru"
    assert not row.access_token.startswith("access-") and not row.refresh_token.startswith("refresh-")
    assert row.expires_at.timestamp() > time.time() + 23 * 3600


async def test_session_comes_from_the_database_when_redis_lost_it(run_app, telegram, core, redis: Redis):
    async with run_app():
        await _ask(telegram, 702, "/menu", 1)
        await redis.delete(*[k async for k in redis.scan_iter("bot:session:*")])
        await _ask(telegram, 702, "/menu", 2)
    assert core.count("/api/v1/auth/telegram") == 1


async def test_access_token_is_refreshed_before_it_expires(run_app, telegram, core, redis: Redis):
    async with run_app() as (app, _):
        await _ask(telegram, 703, "/menu", 1)
        store, session = await _cached_session(app, 703)
        await store.save(session.model_copy(update={"access_expires_at": time.time() + 10}))
        await _ask(telegram, 703, "/menu", 2)
        refreshed = await store.cached(703)
        assert refreshed is not None
    assert core.count("/api/v1/auth/refresh") == 1
    assert refreshed.access_token != session.access_token
    assert refreshed.access_expires_at > time.time() + 800


async def test_a_rejected_refresh_signs_in_again(run_app, telegram, core, redis: Redis):
    async with run_app() as (app, _):
        await _ask(telegram, 704, "/menu", 1)
        store, session = await _cached_session(app, 704)
        stale = {"access_expires_at": time.time(), "refresh_token": "old"}
        await store.save(session.model_copy(update=stale))
        await _ask(telegram, 704, "/menu", 2)
    assert core.count("/api/v1/auth/refresh") == 1
    assert core.count("/api/v1/auth/telegram") == 2


async def test_blocked_users_get_a_polite_answer_only_and_pending_ones_the_joining_steps(
    run_app, telegram, core: FakeCore
):
    core.status_for[705] = "blocked"
    core.status_for[706] = "pending"
    async with run_app():
        await _ask(telegram, 705, "/start", 1)
        await _ask(telegram, 706, "/start", 2)
        await telegram.updates.put(telegram.edited(705, "hello"))  # an edit is signed in too
        await telegram.wait_for(lambda: len(telegram.texts(705)) >= 2)
    assert telegram.texts(705) == [t("account.blocked", "ru")] * 2
    assert telegram.texts(706) == [t("ob.welcome", "ru"), t("ob.language.prompt", "ru")]


async def test_core_down_gets_a_localized_apology_and_keeps_the_state(run_app, telegram, core, redis: Redis):
    key = StorageKey(bot_id=123456, chat_id=707, user_id=707)
    async with run_app() as (app, _):
        storage = runtime_of(app).dp.storage
        await storage.set_state(key, "NewRequest:description")
        await storage.set_data(key, {"building_id": 3})
        core.down = True
        await telegram.updates.put(telegram.message(707, "/menu", language="uz"))
        await telegram.wait_for(lambda: telegram.texts(707))
        state, data = await storage.get_state(key), await storage.get_data(key)
    assert telegram.texts(707)[0].startswith("Xizmat vaqtincha ishlamayapti")
    assert state == "NewRequest:description" and data == {"building_id": 3}


async def test_fsm_keys_include_the_bot_id_and_expire(run_app, redis: Redis):
    key = StorageKey(bot_id=123456, chat_id=708, user_id=708)
    async with run_app() as (app, _):
        await runtime_of(app).dp.storage.set_state(key, "Some:state")
    names = [k.decode() async for k in redis.scan_iter("fsm:*")]
    assert names == ["fsm:123456:708:708:state"]
    assert 3500 < await redis.ttl(names[0]) <= 3600


async def test_redis_session_copy_has_no_plaintext_tokens(run_app, telegram, redis: Redis):
    async with run_app():
        await _ask(telegram, 709, "/menu", 1)
    stored = await redis.get("bot:session:default:123456:709")
    assert stored is not None
    raw = orjson.loads(stored)
    assert not raw["access_token"].startswith("access-")


async def test_a_pending_user_is_let_in_once_approved(run_app, telegram, core: FakeCore):
    core.status_for[710] = "pending"
    async with run_app(session_touch_interval_seconds=1) as (app, _):
        await _ask(telegram, 710, "/menu", 2)
        core.users[710]["status"] = "active"
        store, session = await _cached_session(app, 710)
        await store.cache(session.model_copy(update={"touched_at": time.time() - 5}))
        await _ask(telegram, 710, "/menu", 3)
    assert telegram.texts(710)[:2] == [t("ob.welcome", "ru"), t("ob.language.prompt", "ru")]  # no menu yet
    assert telegram.texts(710)[2] == "Главное меню. Выберите действие:"


async def test_core_calls_carry_the_updates_request_id(run_app, telegram, core: FakeCore):
    async with run_app():
        await _ask(telegram, 711, "/menu", 1)
    assert core.request_ids and all(rid.startswith("upd-") for rid in core.request_ids)
