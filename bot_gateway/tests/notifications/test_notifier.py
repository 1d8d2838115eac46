"""The notifier: events into messages for the right people, in their language, each sent once."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMediaGroup, SendMessage
from bot_fakes import TOKEN, FakeTelegram
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from bot_gateway.clients.base import make_http
from bot_gateway.clients.core import UserClient
from bot_gateway.i18n import t, tn
from bot_gateway.notifications import Notifier, PacedSender, consumers, group
from bot_gateway.notifications.claims import CLAIM_TTL, DeliveryInProgress
from bot_gateway.notifications.dispatch import offers_key
from shared.events import Envelope, StreamConsumer

RESIDENT, EXECUTOR, MANAGER, PLUMBER = 5001, 5002, 5003, 5004


def core_users() -> httpx.MockTransport:
    """Core's user search (service token) answering one active manager who reads Uzbek, no executors."""

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer svc"
        if request.url.path == "/api/v1/users/executors":
            return httpx.Response(200, json={"items": [], "total": 0, "page": 1, "page_size": 100})
        assert request.url.path == "/api/v1/users" and request.url.params["role"] == "manager"
        manager = {"id": 3, "telegram_id": MANAGER, "language": "uz", "name": "M"}
        return httpx.Response(200, json={"items": [manager], "total": 1, "page": 1, "page_size": 100})

    return httpx.MockTransport(handle)


@pytest.fixture
async def users() -> AsyncIterator[UserClient]:
    """Core's user search as the notifier calls it, answered by `core_users`."""
    http = make_http("core", "http://core.test", "svc", transport=core_users())
    yield UserClient(http)
    await http.aclose()


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(telegram.url))
    async with Bot(TOKEN, session=session, default=None) as client:
        yield client


@pytest.fixture
async def notifier(bot: Bot, redis: Redis, users: UserClient) -> AsyncIterator[Notifier]:
    yield Notifier(bot, redis, users, PacedSender(per_chat_interval=0.0, global_rate=1000))


@pytest.fixture
async def at_telegrams_pace(bot: Bot, redis: Redis, users: UserClient) -> AsyncIterator[Notifier]:
    """A notifier that sends each chat one message a second, as Telegram takes them."""
    yield Notifier(bot, redis, users, PacedSender(per_chat_interval=1.0, global_rate=1000))


def event(kind: str, event_id: str | None = None, **data: Any) -> Envelope:
    base = {
        "number": "261201-001",
        "status": "new",
        "category": "plumbing",
        "urgency": "normal",
        "description": "Течёт <кран>",
        "apartment": "12",
        "building_address": "ул. Навои, 1",
        "applicant_telegram_id": RESIDENT,
        "applicant_language": "uz",
        "applicant_name": "R",
        "executor_telegram_id": EXECUTOR,
        "executor_language": "ru",
        "executor_name": "E",
        "actor_telegram_id": MANAGER,
    }
    return Envelope.new(
        event_type=kind, source="core", tenant_id="default", event_id=event_id, data={**base, **data}
    )


async def test_the_resident_hears_a_status_change_once_in_their_language(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    envelope = event("request.status_changed", status="in_progress", old_status="new")
    await notifier.handle(envelope)
    await notifier.handle(envelope)  # redelivered: nothing sent twice
    [text] = telegram.texts(RESIDENT)
    assert text == t("notif.status", "uz", number="261201-001", status=t("status.in_progress", "uz"))
    [call] = telegram.of("sendMessage")
    assert call["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "request:view:261201-001"


async def test_managers_hear_of_new_requests_with_user_text_escaped(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    await notifier.handle(event("request.created", actor_telegram_id=RESIDENT))
    [text] = telegram.texts(MANAGER)
    assert "Течёт &lt;кран&gt;" in text and text.startswith("🆕 Yangi ariza")
    await notifier.handle(event("request.created", actor_telegram_id=RESIDENT, urgency="critical"))
    assert telegram.texts(MANAGER)[-1].startswith("🚨")


async def test_a_resident_who_left_completed_work_unanswered_is_reminded_once_with_the_deadline(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    reminder = event(
        "request.acceptance_reminder",
        status="completed",
        actor_telegram_id=None,
        completed_at="2026-12-04T10:00:00+00:00",
        auto_accept_at="2026-12-07T10:00:00+00:00",
    )
    await notifier.handle(reminder)
    await notifier.handle(reminder)  # redelivered: nothing sent twice
    [text] = telegram.texts(RESIDENT)
    assert "261201-001" in text and "07.12.2026 15:00" in text  # the deadline in Tashkent time
    assert text.startswith("⏰") and "avtomatik" in text  # in the resident's Uzbek
    assert telegram.texts(EXECUTOR) == [] and telegram.texts(MANAGER) == []
    [call] = telegram.of("sendMessage")
    assert call["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "request:view:261201-001"


async def test_assignment_comment_return_and_rating_reach_the_right_people(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    await notifier.handle(event("request.assigned", status="in_progress"))
    await notifier.handle(
        event(
            "request.commented",
            comment="Буду в 15:00",
            comment_author_telegram_id=EXECUTOR,
            comment_author_name="E",
            actor_telegram_id=EXECUTOR,
        )
    )
    await notifier.handle(
        event("request.status_changed", status="returned", reason="Капает", actor_telegram_id=RESIDENT)
    )
    await notifier.handle(event("request.rated", status="accepted", rating=4, actor_telegram_id=RESIDENT))
    executor, resident = telegram.texts(EXECUTOR), telegram.texts(RESIDENT)
    assert executor[0].startswith("👷") and "Капает" in executor[1] and executor[2].count("⭐") == 5
    assert resident == [t("notif.commented", "uz", number="261201-001", author="E", text="Буду в 15:00")]


async def test_managers_hear_that_a_resident_returned_the_work_and_why(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    await notifier.handle(
        event("request.status_changed", status="returned", reason="Капает", actor_telegram_id=RESIDENT)
    )
    reason = "Капает"
    assert telegram.texts(MANAGER) == [t("notif.returned.manager", "uz", number="261201-001", reason=reason)]


async def test_a_completion_photo_carries_its_text_and_an_album_follows_the_text(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    await notifier.handle(event("request.status_changed", status="completed", media=["photo-a"]))
    [photo] = telegram.of("sendPhoto")
    assert photo["caption"] == t("notif.completed", "uz", number="261201-001") and photo["reply_markup"]
    await notifier.handle(event("request.status_changed", status="completed", media=["photo-a", "photo-b"]))
    sent = [method for method, params in telegram.calls if int(params["chat_id"]) == RESIDENT]
    assert sent == ["sendPhoto", "sendMessage", "sendMediaGroup"]


async def test_a_stripe_payment_with_a_request_number_confirms_to_the_resident(
    notifier: Notifier, telegram: FakeTelegram
) -> None:
    await notifier.handle(event("request.created", actor_telegram_id=RESIDENT))  # who filed 261201-001
    payment = Envelope.new(
        event_type="webhook.stripe.payment_intent.succeeded",
        source="integration",
        tenant_id="default",
        data={
            "payload": {
                "id": "evt_1",
                "data": {
                    "object": {
                        "amount_received": 15000000,
                        "currency": "uzs",
                        "metadata": {"request_number": "261201-001"},
                    }
                },
            }
        },
    )
    await notifier.handle(payment)
    assert telegram.texts(RESIDENT) == [
        t("notif.payment", "uz", number="261201-001", amount="150 000.00", currency="UZS")
    ]


async def test_events_are_read_with_the_consumer_group_and_acknowledged(
    notifier: Notifier, telegram: FakeTelegram, redis: Redis
) -> None:
    [core, _integration] = consumers(notifier, redis, block_ms=10)
    await core.ensure_group()
    envelope = event("request.status_changed", status="completed", old_status="in_progress")
    await redis.xadd("stream:core", {"envelope": envelope.to_json()})
    assert await core.run_once(block_ms=10) == 1
    assert telegram.texts(RESIDENT) == [t("notif.completed", "uz", number="261201-001")]
    assert (await redis.xpending("stream:core", group("default")))["pending"] == 0


@pytest.fixture
async def paced(bot: Bot, redis: Redis, users: UserClient) -> AsyncIterator[tuple[StreamConsumer, list[int]]]:
    """The consumer of `stream:core` of a notifier at a shortened Telegram pace (0.2 s between one
    chat's messages), and the chats it sent to, in order."""
    sent: list[int] = []

    @bot.session.middleware
    async def order(make_request: Any, bot: Bot, method: Any) -> Any:
        sent.append(int(method.chat_id))
        return await make_request(bot, method)

    notifier = Notifier(bot, redis, users, PacedSender(per_chat_interval=0.2, global_rate=1000))
    [core, _integration] = consumers(notifier, redis, block_ms=10)
    await core.ensure_group()
    yield core, sent


async def add_created(redis: Redis, count: int, **data: Any) -> None:
    """`count` new requests, each told to the manager."""
    for n in range(count):
        created = event("request.created", number=f"261201-{n:03d}", actor_telegram_id=RESIDENT, **data)
        await redis.xadd("stream:core", {"envelope": created.to_json()})


async def add_breaches(redis: Redis, count: int) -> None:
    """`count` requests past their deadline, each told to the manager (a notice never folded)."""
    for n in range(count):
        late = event("request.sla_breached", number=f"261201-{n:03d}", which="resolution",
                     due_at="2026-12-01T10:00:00+00:00", executor_telegram_id=None)
        await redis.xadd("stream:core", {"envelope": late.to_json()})


def completed() -> Envelope:
    """Another request completed: the resident's notice."""
    return event("request.status_changed", number="261201-099", status="completed", old_status="in_progress")


def numbers_in(text: str) -> list[str]:
    """The request numbers a message names, in order."""
    return re.findall(r"№(\d{6}-\d{3})", text)


async def test_new_requests_waiting_for_a_managers_chat_reach_them_as_one_digest(
    paced: tuple[StreamConsumer, list[int]], redis: Redis, telegram: FakeTelegram
) -> None:
    # The first is sent at once, as always; the four read meanwhile wait for the chat's next turn
    # and go out together, each with a button that opens it.
    core, _sent = paced
    await add_created(redis, 5)
    assert await core.run_once(block_ms=10) == 5
    first, folded = telegram.texts(MANAGER)
    assert first.startswith("🆕 Yangi ariza") and numbers_in(first) == ["261201-000"]
    assert folded.startswith(tn("notif.digest", 4, "uz"))
    assert numbers_in(folded) == [f"261201-{n:03d}" for n in range(1, 5)]
    assert "ул. Навои, 1, 12-xonadon: Течёт &lt;кран&gt;" in folded  # in the manager's language, escaped
    markup = telegram.of("sendMessage")[-1]["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for row in markup for b in row] == [
        f"request:view:261201-{n:03d}" for n in range(1, 5)]
    assert (await redis.xpending("stream:core", group("default")))["pending"] == 0


async def test_a_digest_names_at_most_twenty_requests_and_the_rest_follow(
    at_telegrams_pace: Notifier, telegram: FakeTelegram
) -> None:
    created = [event("request.created", number=f"261201-{n:03d}", actor_telegram_id=RESIDENT)
               for n in range(26)]
    await asyncio.gather(*(at_telegrams_pace.handle(e) for e in created))
    told = [numbers_in(text) for text in telegram.texts(MANAGER)]
    assert [len(numbers) for numbers in told] == [1, 20, 5]
    assert sorted(itertools.chain(*told)) == [e.data["number"] for e in created]  # each once


async def test_a_failed_digest_leaves_each_notice_it_carried_to_be_sent_again_once(
    bot: Bot, redis: Redis, users: UserClient, telegram: FakeTelegram
) -> None:
    down = True

    @bot.session.middleware
    async def flaky(make_request: Any, bot: Bot, method: Any) -> Any:
        if down and isinstance(method, SendMessage):
            raise TelegramNetworkError(method, "connection reset")
        return await make_request(bot, method)

    notifier = Notifier(bot, redis, users, PacedSender(per_chat_interval=0.05, global_rate=1000))
    created = [event("request.created", number=f"261201-{n:03d}", actor_telegram_id=RESIDENT)
               for n in range(4)]
    results = await asyncio.gather(*(notifier.handle(e) for e in created), return_exceptions=True)
    assert all(isinstance(r, TelegramNetworkError) for r in results)  # each entry stays pending
    down = False
    await asyncio.gather(*(notifier.handle(e) for e in created))  # the redeliveries
    told = itertools.chain(*(numbers_in(text) for text in telegram.texts(MANAGER)))
    assert sorted(told) == [e.data["number"] for e in created]


async def test_a_new_request_nobody_is_on_shift_for_says_so_in_the_digest(
    at_telegrams_pace: Notifier, telegram: FakeTelegram
) -> None:
    created = [event("request.created", number=f"261201-{n:03d}", actor_telegram_id=RESIDENT,
                     on_shift_only=True, executors=[]) for n in range(3)]
    await asyncio.gather(*(at_telegrams_pace.handle(e) for e in created))
    first, folded = telegram.texts(MANAGER)
    assert first.endswith(t("notif.nobody_on_shift", "uz"))
    assert folded.count(t("notif.nobody_on_shift.short", "uz")) == 2


async def test_a_managers_backlog_does_not_hold_back_a_residents_notice(
    paced: tuple[StreamConsumer, list[int]], redis: Redis
) -> None:
    core, sent = paced
    await add_breaches(redis, 4)  # the manager's four take about 0.6 s
    await redis.xadd("stream:core", {"envelope": completed().to_json()})
    assert await core.run_once(block_ms=10) == 5
    assert sent.count(MANAGER) == 4
    assert sent.index(RESIDENT) < 2  # not after the manager's backlog
    assert (await redis.xpending("stream:core", group("default")))["pending"] == 0


async def test_a_notice_after_a_managers_backlog_is_sent_before_the_backlog_ends(
    paced: tuple[StreamConsumer, list[int]], redis: Redis, telegram: FakeTelegram
) -> None:
    # The resident's notice comes in a later read, while the manager's eight (1.6 s) still wait.
    core, sent = paced
    await add_breaches(redis, 8)
    await core.start()
    try:
        await telegram.wait_for(lambda: MANAGER in sent)
        await redis.xadd("stream:core", {"envelope": completed().to_json()})
        await telegram.wait_for(lambda: sent.count(MANAGER) == 8 and RESIDENT in sent)
    finally:
        await core.stop()
    assert sent.index(RESIDENT) < 4


async def test_an_offer_of_a_request_taken_before_its_turn_is_not_sent(
    paced: tuple[StreamConsumer, list[int]], redis: Redis, telegram: FakeTelegram
) -> None:
    # Five new requests offered to one plumber; four are taken by another executor while their
    # offers still wait for the plumber's chat: only the first's offer (with Take) reaches them.
    core, _sent = paced
    await add_created(redis, 5, executors=[{"telegram_id": PLUMBER, "language": "ru"}])
    for n in range(1, 5):
        taken = event("request.assigned", number=f"261201-{n:03d}")
        await redis.xadd("stream:core", {"envelope": taken.to_json()})
    assert await core.run_once(block_ms=10) == 9
    offers = [call["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
              for call in telegram.of("sendMessage") if int(call["chat_id"]) == PLUMBER]
    assert offers == ["request:take:261201-000"]
    assert telegram.of("editMessageText") == []  # nothing of theirs to say "taken" on
    assert len(telegram.texts(EXECUTOR)) == 4  # each assignment told to the one who got it
    assert (await redis.xpending("stream:core", group("default")))["pending"] == 0


def plumbers(telegram: FakeTelegram) -> list[dict[str, Any]]:
    """The messages sent to the plumber."""
    return [call for call in telegram.of("sendMessage") if int(call["chat_id"]) == PLUMBER]


async def test_offers_waiting_for_an_executors_chat_reach_them_as_one_digest_with_take_buttons(
    paced: tuple[StreamConsumer, list[int]], redis: Redis, telegram: FakeTelegram
) -> None:
    # One of five offers goes at once; the others wait for the chat's next turn, by when 002 was
    # taken (read first here, so it is known taken whichever offer's turn comes first).
    core, _sent = paced
    await redis.xadd("stream:core", {"envelope": event("request.assigned", number="261201-002").to_json()})
    await add_created(redis, 5, executors=[{"telegram_id": PLUMBER, "language": "ru"}])
    assert await core.run_once(block_ms=10) == 6
    alone, folded = plumbers(telegram)
    [first] = numbers_in(alone["text"])
    waited = sorted({"261201-000", "261201-001", "261201-003", "261201-004"} - {first})
    assert folded["text"].startswith(tn("notif.offers.digest", 3, "ru"))
    assert numbers_in(folded["text"]) == waited
    buttons = [b["callback_data"] for row in folded["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [f"request:{action}:{number}" for number in waited for action in ("take", "view")]
    # The offer sent alone says who took it once someone does; the digest is not edited, its
    # Take says so when pressed.
    tracked = await redis.hgetall(offers_key("default", first))
    assert await redis.hgetall(offers_key("default", waited[0])) == {}
    for number in (first, waited[0]):
        await redis.xadd("stream:core", {"envelope": event("request.assigned", number=number).to_json()})
    assert await core.run_once(block_ms=10) == 2
    [edit] = telegram.of("editMessageText")
    assert tracked == {str(PLUMBER).encode(): f"{edit['message_id']}:ru".encode()}
    assert (await redis.xpending("stream:core", group("default")))["pending"] == 0


async def test_a_burst_of_200_events_is_paced(
    bot: Bot, redis: Redis, users: UserClient, telegram: FakeTelegram
) -> None:
    sent: list[tuple[int, float]] = []

    @bot.session.middleware
    async def timing(make_request: Any, bot: Bot, method: Any) -> Any:
        sent.append((int(method.chat_id), time.monotonic()))
        return await make_request(bot, method)

    notifier = Notifier(bot, redis, users, PacedSender(per_chat_interval=0.05, global_rate=150))
    for n in range(200):  # 200 status changes of 10 residents' requests
        await notifier.handle(
            event(
                "request.status_changed",
                status="in_progress",
                applicant_telegram_id=6000 + n % 10,
                number=f"261201-{n:03d}",
            )
        )
    assert len(sent) == 200 == len(telegram.texts())
    times = sorted(moment for _, moment in sent)
    assert times[-1] - times[0] >= 199 / 150 * 0.95
    per_chat: dict[int, list[float]] = {}
    for chat, moment in sent:
        per_chat.setdefault(chat, []).append(moment)
    assert all(b - a >= 0.045 for sends in per_chat.values() for a, b in itertools.pairwise(sends))


def claim_key(envelope: Envelope, chat_id: int) -> str:
    return f"bot:notified:{envelope.tenant_id}:{envelope.event_id}:{chat_id}"


async def test_a_message_claimed_by_a_crashed_sender_stays_pending_and_is_sent_once_the_claim_lapses(
    notifier: Notifier, telegram: FakeTelegram, redis: Redis
) -> None:
    [core, _integration] = consumers(notifier, redis, block_ms=10)
    await core.ensure_group()
    envelope = event("request.status_changed", status="in_progress", old_status="new")
    # A process claimed the message, then died before sending it.
    await redis.set(claim_key(envelope, RESIDENT), b"sending:crashed", px=int(CLAIM_TTL * 1000))
    await redis.xadd("stream:core", {"envelope": envelope.to_json()})
    assert await core.run_once(block_ms=10) == 1
    assert telegram.texts(RESIDENT) == []
    assert (await redis.xpending("stream:core", group("default")))["pending"] == 1  # retried later
    # The dead claim lapses before the entry runs out of deliveries.
    assert 0 < await redis.pttl(claim_key(envelope, RESIDENT)) <= CLAIM_TTL * 1000
    assert core.claim_idle_ms * (core.max_deliveries - 1) > CLAIM_TTL * 1000
    await redis.delete(claim_key(envelope, RESIDENT))  # as it does after CLAIM_TTL
    await notifier.handle(envelope)  # the redelivery
    assert len(telegram.texts(RESIDENT)) == 1


async def test_a_redelivery_during_a_slow_send_waits_and_the_claim_outlives_its_ttl(
    bot: Bot, redis: Redis, users: UserClient, telegram: FakeTelegram
) -> None:
    @bot.session.middleware
    async def slow(make_request: Any, bot: Bot, method: Any) -> Any:
        await asyncio.sleep(0.8)
        return await make_request(bot, method)

    sender = PacedSender(per_chat_interval=0.0, global_rate=1000)
    notifier = Notifier(bot, redis, users, sender, claim_ttl=0.3)
    envelope = event("request.status_changed", status="in_progress", old_status="new")
    first = asyncio.create_task(notifier.handle(envelope))
    await asyncio.sleep(0.5)  # past the claim's TTL: it is renewed while the send goes on
    with pytest.raises(DeliveryInProgress):
        await notifier.handle(envelope)
    await first
    await notifier.handle(envelope)  # sent: nothing more
    assert len(telegram.texts(RESIDENT)) == 1


async def test_a_retry_after_the_text_failed_does_not_send_the_photos_again(
    bot: Bot, redis: Redis, users: UserClient, telegram: FakeTelegram
) -> None:
    failures, albums = iter([True]), []

    @bot.session.middleware
    async def flaky(make_request: Any, bot: Bot, method: Any) -> Any:
        if isinstance(method, SendMediaGroup):
            albums.append(method)
            return []  # the fake Bot API has no album answer
        if isinstance(method, SendMessage) and next(failures, False):
            raise TelegramNetworkError(method, "connection reset")
        return await make_request(bot, method)

    notifier = Notifier(bot, redis, users, PacedSender(per_chat_interval=0.0, global_rate=1000))
    envelope = event("request.status_changed", status="completed", media=["photo-a", "photo-b"])
    with pytest.raises(TelegramNetworkError):
        await notifier.handle(envelope)
    await notifier.handle(envelope)  # the redelivery
    assert [[m.media for m in album.media] for album in albums] == [["photo-a", "photo-b"]]
    assert telegram.texts(RESIDENT) == [t("notif.completed", "uz", number="261201-001")]


def skipped() -> float:
    return REGISTRY.get_sample_value("bot_notifications_skipped_total", {"reason": "other_tenant"}) or 0.0


async def test_each_tenants_bot_reads_the_stream_in_its_own_group_and_tells_only_its_own_people(
    bot: Bot, redis: Redis, users: UserClient, telegram: FakeTelegram
) -> None:
    sender = PacedSender(per_chat_interval=0.0, global_rate=1000)
    ours = Notifier(bot, redis, users, sender, tenant="default")
    theirs = Notifier(bot, redis, users, sender, tenant="acme")
    [our_core, _] = consumers(ours, redis, block_ms=10)
    [their_core, _] = consumers(theirs, redis, block_ms=10)
    assert {our_core.group, their_core.group} == {"bot-notifier:default", "bot-notifier:acme"}
    await our_core.ensure_group()
    await their_core.ensure_group()
    created = event("request.created", actor_telegram_id=RESIDENT).model_copy(update={"tenant_id": "acme"})
    before = skipped()
    await redis.xadd("stream:core", {"envelope": created.to_json()})
    assert await our_core.run_once(block_ms=10) == 1
    assert telegram.texts() == []  # not this tenant's request: nobody here is told
    assert (await redis.xpending("stream:core", our_core.group))["pending"] == 0  # acknowledged
    assert skipped() == before + 1
    assert await their_core.run_once(block_ms=10) == 1  # the other bot still gets it
    assert len(telegram.texts(MANAGER)) == 1
