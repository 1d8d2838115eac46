"""The announcement delivery worker against the real Core and the emulator: stopped mid-way (and
with its reports lost), a restarted bot sends nobody a second copy and finishes the job; two
workers at once (replicas) send each resident one copy."""

from __future__ import annotations

from typing import Any

from announcing import announcements, live_in, texts_received, until
from harness import Chat
from redis.asyncio import Redis
from sqlalchemy import func, select

from bot_gateway.clients import build_clients
from bot_gateway.notifications.announcements import AnnouncementWorker
from bot_gateway.notifications.progress import Progress, final_text
from bot_gateway.notifications.sender import PacedSender
from bot_gateway.runtime.telegram import build_bot
from core_service.announcements.models import AnnouncementRecipient
from shared.app import resources_of
from shared.db import session_scope

TEXT = "Плановая проверка счётчиков в субботу с 9 до 13."
RESIDENTS = 16


async def test_a_bot_stopped_mid_way_and_started_again_sends_nobody_a_second_copy(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any, core_client: Any, core_net: Any
) -> None:
    manager, residents = await _building_of_residents(make_user, make_building, core_app)
    http = await core_client(manager.user_id)
    settings = {
        "announcement_rate_per_second": 4.0,
        "announcement_lease_seconds": 10,
        "announcement_poll_seconds": 1.0,  # the restarted bot finds the lapsed lease soon
    }

    async def reached() -> int:
        return sum([bool(await texts_received(r, [TEXT])) for r in residents])

    async with run_bot(**settings):
        answer = await http.post(
            "/api/v1/announcements", json={"texts": {"ru": TEXT}, "audience": {"kind": "all"}}
        )
        assert answer.status_code == 201, answer.text
        await until(lambda: _at_least(reached, 4))
        core_net.down = True  # the reports of what was sent since are lost with the process
    first_run = await reached()
    assert 4 <= first_run < RESIDENTS
    core_net.down = False

    async with run_bot(**settings):
        await until(lambda: _finished(core_app), timeout=60)
        await manager.expect(final_text("ru", {"recipients": RESIDENTS, "sent": RESIDENTS}))
    for resident in residents:
        assert await texts_received(resident, [TEXT]) == [TEXT], resident.user_id
    [published] = await announcements(core_app)
    assert (published.sent, published.failed, published.blocked) == (RESIDENTS, 0, 0)
    # The second bot took over rows the first had claimed: those it had sent were not sent again.
    assert await _claimed_twice(core_app) > 0


async def _building_of_residents(
    make_user: Any, make_building: Any, core_app: Any
) -> tuple[Chat, list[Chat]]:
    """A manager, and RESIDENTS residents with active residencies in one building."""
    navoi = await make_building("Ташкент, ул. Навои, 1")
    manager = await make_user("manager", "ru", name="Manager")
    residents = [await make_user("applicant", "ru") for _ in range(RESIDENTS)]
    for apartment, resident in enumerate(residents, start=1):
        await live_in(core_app, resident, navoi, apartment=apartment)
    return manager, residents


async def _at_least(count: Any, n: int) -> bool:
    return bool(await count() >= n)


async def _claimed_twice(core_app: Any) -> int:
    async for session in session_scope(resources_of(core_app).sessions):
        rows = select(func.count()).where(AnnouncementRecipient.claims >= 2)
        return int((await session.execute(rows)).scalar_one())
    return 0


async def _finished(core_app: Any) -> bool:
    found = await announcements(core_app)
    return bool(found) and found[0].status == "done"


async def test_two_workers_at_once_send_each_resident_one_copy(
    make_user: Any,
    make_building: Any,
    core_app: Any,
    core_client: Any,
    core_net: Any,
    bot_settings: Any,
    flows_redis: str,
) -> None:
    manager, residents = await _building_of_residents(make_user, make_building, core_app)
    http = await core_client(manager.user_id)
    settings = bot_settings()
    redis = Redis.from_url(flows_redis)
    clients, bot = build_clients(settings, core_transport=core_net), build_bot(settings)
    workers = []
    for _ in range(2):  # two replicas: each its own sender, both on the same Core and Redis
        sender = PacedSender()
        progress = Progress(bot, redis, sender, tenant="default")
        workers.append(
            AnnouncementWorker(
                bot,
                redis,
                clients.announcements,
                sender,
                progress,
                tenant="default",
                poll_seconds=0.2,
                rate=10.0,
                batch=4,
            )
        )
    try:
        answer = await http.post(
            "/api/v1/announcements", json={"texts": {"ru": TEXT}, "audience": {"kind": "all"}}
        )
        assert answer.status_code == 201, answer.text
        for worker in workers:
            worker.start()
        await until(lambda: _finished(core_app), timeout=60)
    finally:
        for worker in workers:
            await worker.stop()
        await clients.aclose()
        await bot.session.close()
        await redis.aclose()
    for resident in residents:
        assert await texts_received(resident, [TEXT]) == [TEXT], resident.user_id
    [published] = await announcements(core_app)
    assert (published.sent, published.failed, published.blocked) == (RESIDENTS, 0, 0)
