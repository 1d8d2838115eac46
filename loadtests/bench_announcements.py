"""`python -m loadtests.bench_announcements`: one announcement to 2,000 residents through the real stack.

Starts the Telegram emulator with flood control on (Telegram's limits: 1 message a second per chat,
30 a second per bot), the Core Service (with its outbox relay, so `announcement.published` wakes
the bot's delivery worker and `announcement.finished` ends it) and the bot, each its own process,
on fresh databases. The residents, their building and their active residencies are inserted
straight into Core's database (SQL, for speed) and made users of the emulator. A manager publishes
one announcement to everyone (Russian and Uzbek texts) through Core's API; the clock runs from
that call until Core says the announcement is done.

Printed: time taken and messages per second; how long a notification sent meanwhile (a resident
files a request; the manager is told) took; 429s the emulator answered, those the bot waited out
and sent again, and those it did not (0 expected); residents who got the message twice (0) or not
at all (0), read from every chat's transcript; the outcome counts Core keeps.
`BENCH_RESIDENTS` (2000) and `BENCH_FLOOD_GLOBAL_LIMIT` (the emulator's messages a second per
bot, Telegram's 30; lower it to make the bot meet 429s) change the run.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

import httpx

from loadtests.bench_bot import _databases, _spawn
from loadtests.processes import free_port, metric
from scripts.stack import stop_all

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "2000"))
# The emulator's messages a second per bot: Telegram's 30 by default; lower it to see 429s answered.
FLOOD_GLOBAL = int(os.environ.get("BENCH_FLOOD_GLOBAL_LIMIT", "30"))
BOT_TOKEN = "100000012:bench-announcements-bot"  # noqa: S105 (an emulator bot)
CORE_TOKEN = "bench-core-token"  # noqa: S105 (a throwaway local token)
FIRST_RESIDENT = 9_000_001
MANAGER = 8_999_999
TEXTS = {
    "ru": "Завтра с 10:00 до 14:00 не будет горячей воды.",
    "uz": "Ertaga 10:00–14:00 issiq suv boʻlmaydi.",
}


async def _seed(core_db: str) -> None:
    """The manager, one building per 500 residents and the residents with active residencies (SQL)."""
    from sqlalchemy import insert, select
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from core_service.buildings.models import Building
    from core_service.residency.models import Residency
    from core_service.users.models import User

    engine = create_async_engine(core_db)
    async with async_sessionmaker(engine)() as session, session.begin():
        buildings = []
        for n in range(max(1, RESIDENTS // 500)):
            row = Building(tenant_id="default", address=f"Ташкент, Бенч, {n + 1}", entrances=4, floors=9,
                           apartments=500, geocode_attempts=0)
            session.add(row)
            buildings.append(row)
        session.add(User(tenant_id="default", telegram_id=MANAGER, first_name="Bench manager",
                         roles=["manager"], active_role="manager", status="active", language="ru"))
        await session.flush()
        users = [{"tenant_id": "default", "telegram_id": FIRST_RESIDENT + i, "first_name": f"Resident{i}",
                  "roles": ["applicant"], "active_role": "applicant", "status": "active",
                  "language": "uz" if i % 3 == 0 else "ru"} for i in range(RESIDENTS)]
        await session.execute(insert(User), users)
        ids = (await session.execute(
            select(User.id).where(User.telegram_id >= FIRST_RESIDENT).order_by(User.telegram_id)
        )).scalars().all()
        rows = [{"tenant_id": "default", "user_id": user_id, "building_id": buildings[i % len(buildings)].id,
                 "apartment": i // len(buildings) % 500 + 1, "entrance": i % 4 + 1, "status": "active"}
                for i, user_id in enumerate(ids)]
        await session.execute(insert(Residency), rows)
    await engine.dispose()


async def _emulator_users(emulator: str) -> None:
    """Every resident and the manager as users of the emulator (chats the bot can write to)."""
    async with httpx.AsyncClient(base_url=emulator, timeout=30) as http:
        pending = [MANAGER, *range(FIRST_RESIDENT, FIRST_RESIDENT + RESIDENTS)]
        for start in range(0, len(pending), 100):
            answers = await asyncio.gather(*(
                http.post("/control/users", json={"id": uid, "first_name": f"R{uid}"})
                for uid in pending[start : start + 100]
            ))
            for answer in answers:
                answer.raise_for_status()


async def _signed_in(http: httpx.AsyncClient, telegram_id: int) -> None:
    signed = await http.post("/api/v1/auth/telegram", json={"telegram_id": telegram_id, "first_name": "B"},
                             headers={"Authorization": f"Bearer {CORE_TOKEN}"})
    signed.raise_for_status()
    http.headers["Authorization"] = f"Bearer {signed.json()['access_token']}"


async def _notification_meanwhile(core: str, emulator: str) -> float:
    """A resident files a request mid-announcement: seconds until the manager is told of it."""
    async with httpx.AsyncClient(base_url=core, timeout=30, headers={"X-Tenant-ID": "default"}) as http:
        await _signed_in(http, FIRST_RESIDENT + 1)
        mine = (await http.get("/api/v1/residencies", params={"status": "active"})).json()["items"][0]
        started = time.perf_counter()
        filed = await http.post("/api/v1/requests", json={
            "building_id": mine["building"]["id"], "apartment": str(mine["apartment"]),
            "category": "plumbing", "description": "Течёт кран на кухне, вода на полу",
        })
        filed.raise_for_status()
    async with httpx.AsyncClient(base_url=emulator, timeout=70) as http:
        told = await http.get(f"/control/bots/{BOT_TOKEN}/chats/{MANAGER}/wait",
                              params={"after_message_id": 0, "timeout": 60})
        told.raise_for_status()
    return time.perf_counter() - started


async def _publish_and_wait(core: str, emulator: str) -> tuple[float, dict[str, Any], float]:
    """Publish to everyone as the manager; seconds until Core says done, the announcement, and how
    long a notification sent meanwhile took to reach the manager."""
    async with httpx.AsyncClient(base_url=core, timeout=30, headers={"X-Tenant-ID": "default"}) as http:
        await _signed_in(http, MANAGER)
        started = time.perf_counter()
        made = await http.post("/api/v1/announcements", json={"texts": TEXTS, "audience": {"kind": "all"}})
        made.raise_for_status()
        announcement_id = made.json()["id"]
        await asyncio.sleep(min(5.0, RESIDENTS / 100))
        notified = await _notification_meanwhile(core, emulator)
        deadline = started + max(600.0, RESIDENTS / 5)
        while time.perf_counter() < deadline:
            answer = await http.get(f"/api/v1/announcements/{announcement_id}")
            answer.raise_for_status()
            if answer.json()["status"] == "done":
                return time.perf_counter() - started, answer.json(), notified
            await asyncio.sleep(0.25)
        raise SystemExit(f"announcement not done after {deadline - started:.0f} s: {answer.json()}")


async def _copies(emulator: str) -> list[int]:
    """How many copies of the announcement each resident's chat holds."""
    texts = set(TEXTS.values())
    async with httpx.AsyncClient(base_url=emulator, timeout=30) as http:
        counts: list[int] = []
        residents = list(range(FIRST_RESIDENT, FIRST_RESIDENT + RESIDENTS))
        for start in range(0, len(residents), 100):
            answers = await asyncio.gather(*(
                http.get(f"/control/bots/{BOT_TOKEN}/chats/{uid}/transcript")
                for uid in residents[start : start + 100]
            ))
            for answer in answers:
                answer.raise_for_status()
                messages = answer.json()["messages"]
                counts.append(sum(1 for m in messages if m["sender"] == "bot"
                                  and (m.get("message") or {}).get("text") in texts))
        return counts


def main() -> int:
    """Start the stack, publish one announcement to every resident, print the figures."""
    from cryptography.fernet import Fernet

    from shared import testing

    core_db, bot_db = _databases()
    redis = testing.redis_url("bot").rsplit("/", 1)[0] + "/13"  # its own logical database
    asyncio.run(_flush(redis))
    emu_port, core_port, bot_port = free_port(), free_port(), free_port()
    emulator, core = f"http://127.0.0.1:{emu_port}", f"http://127.0.0.1:{core_port}"
    procs = [_spawn(["-m", "telegram_emulator"], {
        "EMULATOR_PORT": str(emu_port), "EMULATOR_FLOOD_CONTROL": "true", "EMULATOR_LOG_LEVEL": "WARNING",
        "EMULATOR_FLOOD_GLOBAL_LIMIT": str(FLOOD_GLOBAL),
    }, emu_port)]
    try:
        asyncio.run(_seed(core_db))
        asyncio.run(_emulator_users(emulator))
        procs.append(_spawn(["-m", "core_service"], {
            "CORE_PORT": str(core_port), "CORE_DATABASE_URL": core_db, "CORE_REDIS_URL": redis,
            "CORE_API_TOKENS": CORE_TOKEN, "CORE_JWT_SECRET": "bench-jwt-secret-0123456789abcdef0123",
            "CORE_RUN_WORKERS": "true", "CORE_LOG_LEVEL": "WARNING"}, core_port))
        procs.append(_spawn(["-m", "bot_gateway"], {
            "BOT_TELEGRAM_TOKEN": BOT_TOKEN, "BOT_TELEGRAM_API_URL": emulator, "BOT_PORT": str(bot_port),
            "BOT_DATABASE_URL": bot_db, "BOT_REDIS_URL": redis, "BOT_CORE_URL": core,
            "BOT_CORE_API_TOKEN": CORE_TOKEN, "BOT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "BOT_REGISTER_COMMANDS": "false", "BOT_LOG_LEVEL": "WARNING"}, bot_port))
        time.sleep(2)  # the notifier's consumer group exists before the first event
        seconds, done, notified = asyncio.run(_publish_and_wait(core, emulator))
        copies = asyncio.run(_copies(emulator))
        received = metric(f"{emulator}/metrics", "http_requests_total", status="429")
        bot_metrics = f"http://127.0.0.1:{bot_port}/metrics"
        waited = metric(bot_metrics, "bot_telegram_retry_after_total", action="waited")
        handed = metric(bot_metrics, "bot_telegram_retry_after_total", action="raised")
    finally:
        stop_all(procs)
        asyncio.run(testing.drop_database(core_db))
        asyncio.run(testing.drop_database(bot_db))
    print(f"bot_gateway announcement bench: {RESIDENTS} residents, emulator flood control on "
          f"(1/s per chat, {FLOOD_GLOBAL}/s per bot)")
    print(f"time taken: {seconds:.1f} s, {RESIDENTS / seconds:.1f} messages/s "
          f"(publish -> Core says done)")
    print(f"a notification sent meanwhile (a new request, to the manager) arrived in {notified:.2f} s")
    print(f"429s: received {received:.0f}; waited out and sent again by the bot's session {waited:.0f}, "
          f"by the paced sender {handed:.0f}; unanswered {received - waited - handed:.0f}")
    print(f"copies per resident: duplicates {sum(c - 1 for c in copies if c > 1)}, "
          f"missing {sum(1 for c in copies if c == 0)}")
    print(f"Core's counts: recipients {done['recipients']}, sent {done['sent']}, failed {done['failed']}, "
          f"blocked {done['blocked']}")
    bad = any(c != 1 for c in copies) or received != waited + handed or done["sent"] != RESIDENTS
    return 1 if bad else 0


async def _flush(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()


if __name__ == "__main__":
    sys.exit(main())
