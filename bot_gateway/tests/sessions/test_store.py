"""Sessions kept in Redis and in `bot_sessions`: what a later save keeps, what an expired row gives."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bot_gateway.sessions.models import BotSession
from bot_gateway.sessions.schemas import UserSession
from bot_gateway.sessions.store import SessionStore
from shared.crypto import SecretBox

RESIDENT = 6101


@pytest.fixture
async def store(database_url: str, redis: Redis) -> AsyncIterator[SessionStore]:
    engine = create_async_engine(database_url)
    yield SessionStore(redis, async_sessionmaker(engine, expire_on_commit=False),
                       SecretBox(Fernet.generate_key().decode()), bot_id=1)
    await engine.dispose()


def session(lifetime: float = 86_400, language: str = "ru") -> UserSession:
    now = time.time()
    return UserSession(telegram_id=RESIDENT, core_user_id="1", access_token="a", refresh_token="r",
                       access_expires_at=now + 900, expires_at=now + lifetime, language=language)


async def row(store: SessionStore) -> BotSession:
    async with store.sessionmaker() as db:
        found = await db.scalar(select(BotSession).where(BotSession.telegram_id == RESIDENT))
    assert found is not None
    return found


async def test_a_save_without_the_chat_keeps_the_chat_and_username_stored_and_changes_the_rest(
    store: SessionStore,
) -> None:
    await store.save(session(), chat_id=7001, username="dilnoza")
    await store.save(session(language="uz"))
    saved = await row(store)
    assert (saved.chat_id, saved.username, saved.language) == (7001, "dilnoza", "uz")
    loaded = await store.load(RESIDENT)
    assert loaded is not None and loaded.language == "uz" and loaded.access_token == "a"


async def test_an_expired_session_is_not_loaded(store: SessionStore) -> None:
    await store.save(session(lifetime=-1))
    assert await store.load(RESIDENT) is None
