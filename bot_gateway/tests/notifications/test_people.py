"""Residency and user events: who hears what, and the session a block or a role change makes stale is
dropped where every bot replica reads it."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from bot_fakes import TOKEN, FakeTelegram
from cryptography.fernet import Fernet
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bot_gateway.clients.base import make_http
from bot_gateway.clients.core import UserClient
from bot_gateway.i18n import t
from bot_gateway.notifications import Notifier, PacedSender
from bot_gateway.sessions.schemas import UserSession
from bot_gateway.sessions.store import SessionStore
from shared.crypto import SecretBox
from shared.events import Envelope

RESIDENT, MANAGER, ADMIN = 6001, 6002, 6003
KEY = Fernet.generate_key().decode()


def core_users() -> httpx.MockTransport:
    """Core's user search and user read (service token): one manager (uz), one admin (ru)."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/users":
            role = request.url.params["role"]
            person = {"id": 2, "telegram_id": MANAGER, "language": "uz"} if role == "manager" else {
                "id": 3, "telegram_id": ADMIN, "language": "ru"}
            return httpx.Response(200, json={"items": [person], "total": 1, "page": 1, "page_size": 100})
        return httpx.Response(200, json={"id": 1, "telegram_id": RESIDENT, "active_role": "executor"})

    return httpx.MockTransport(handle)


@pytest.fixture
async def stores(database_url: str, redis: Redis) -> AsyncIterator[tuple[SessionStore, SessionStore]]:
    """Two replicas' session stores over the one Redis and database."""
    engine = create_async_engine(database_url)
    maker = async_sessionmaker(engine, expire_on_commit=False)
    yield tuple(SessionStore(redis, maker, SecretBox(KEY), bot_id=1) for _ in range(2))  # type: ignore[misc]
    await engine.dispose()


@pytest.fixture
async def notifier(
    telegram: FakeTelegram, redis: Redis, stores: tuple[SessionStore, SessionStore]
) -> AsyncIterator[Notifier]:
    http = make_http("core", "http://core.test", "svc", transport=core_users())
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.url))
    async with Bot(TOKEN, session=session, default=None) as bot:
        yield Notifier(bot, redis, UserClient(http), PacedSender(per_chat_interval=0.0, global_rate=1000),
                       sessions=stores[1])
    await http.aclose()


def event(kind: str, **data: Any) -> Envelope:
    base = {"residency_id": 7, "status": "pending", "building_id": 1, "building_address": "ул. Навои, 1",
            "apartment": 12, "entrance": 2, "document_file_id": None, "user_id": 1,
            "user_telegram_id": RESIDENT, "user_name": "Dilnoza <D>", "user_phone": "+998901234567",
            "user_username": "dilnoza", "user_language": "uz", "actor_id": 2, "actor_telegram_id": MANAGER,
            "actor_name": "Aziz"}
    return Envelope.new(event_type=kind, source="core", tenant_id="default", data={**base, **data})


async def test_an_application_reaches_every_manager_and_admin_in_their_language(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    await notifier.handle(event("residency.requested", actor_id=1, actor_telegram_id=RESIDENT))
    [uz] = telegram.texts(MANAGER)
    [ru] = telegram.texts(ADMIN)
    assert "Dilnoza &lt;D&gt;" in uz and "@dilnoza" in uz and "+998901234567" in uz
    assert t("app.state.pending", "uz") in uz and t("app.state.pending", "ru") in ru
    buttons = [b["callback_data"] for row in telegram.of("sendMessage")[0]["reply_markup"]["inline_keyboard"]
               for b in row]
    assert buttons == ["res:approve:7", "res:reject:7", "res:ask:7"]


async def test_a_block_drops_the_session_every_replica_reads_and_tells_the_user(
    notifier: Notifier, telegram: FakeTelegram, stores: tuple[SessionStore, SessionStore]
) -> None:
    replica = stores[0]
    now = time.time()
    session = UserSession(telegram_id=RESIDENT, core_user_id="1", access_token="a", refresh_token="r",
                          access_expires_at=now + 900, expires_at=now + 86_400)
    await replica.save(session)
    assert await replica.cached(RESIDENT) is not None and await replica.load(RESIDENT) is not None
    await notifier.handle(event("user.blocked", comment="x"))
    assert await replica.cached(RESIDENT) is None and await replica.load(RESIDENT) is None
    assert telegram.texts(RESIDENT) == [t("account.blocked", "uz")]
    assert telegram.of("sendMessage")[0]["reply_markup"] == {"remove_keyboard": True}


async def test_a_new_role_comes_with_its_menu(notifier: Notifier, telegram: FakeTelegram) -> None:
    await notifier.handle(event("user.roles_changed", roles=["applicant", "executor"], comment="invite"))
    assert telegram.texts(RESIDENT) == [], "an invite's own answer greets the user"
    await notifier.handle(event("user.roles_changed", roles=["applicant", "executor"], comment="x"))
    assert telegram.texts(RESIDENT) == [t("users.notify.roles", "uz", role=t("role.executor", "uz"))]
    keyboard = telegram.of("sendMessage")[0]["reply_markup"]["keyboard"]
    assert t("button.my_tasks", "uz") in [b["text"] for row in keyboard for b in row]


async def test_an_apartment_the_resident_bound_themselves_is_not_announced_to_them(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    mine = event("residency.approved", status="active", actor_id=1, actor_telegram_id=RESIDENT)
    await notifier.handle(mine)
    assert telegram.texts(RESIDENT) == []
    await notifier.handle(event("residency.approved", status="active"))
    told = t("app.notify.approved", "uz", address="ул. Навои, 1", apartment="12")
    assert telegram.texts(RESIDENT) == [told]


async def test_each_answer_brings_back_the_card_with_the_whole_thread(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    first_question = event("residency.question_asked", question="Собственник?")
    first_answer = event("residency.answered", question="Собственник?", answer="Владелец я")
    for step in (
        first_question,
        first_answer,
        first_answer,  # redelivered: neither the card nor the thread doubles
        event("residency.question_asked", question="Есть договор?"),
        event("residency.answered", question="Есть договор?", answer="Есть, <фото>"),
    ):
        await notifier.handle(step)
    cards = telegram.texts(ADMIN)
    assert len(cards) == 2
    last = cards[-1]
    thread = ("Собственник?", "Владелец я", "Есть договор?", "Есть, &lt;фото&gt;")
    order = [last.index(text) for text in thread]
    assert order == sorted(order) and last.count("Собственник?") == 1
    assert "Aziz" in last
