"""`python -m loadtests.bench_bot`: a resident's two everyday actions through the full bot vs a bare
aiogram bot.

Starts the Telegram emulator and the Core Service (fresh databases on TEST_PG_URL, Core's demo
data), makes residents through Core's API (active applicants with a confirmed apartment and one
request each), then runs the real bot process (polling; rate limit -> logging -> auth -> handler,
Redis FSM with event isolation, sessions, Core over HTTP) and a bare aiogram bot (memory storage,
no middlewares) on the same emulator: both at once while they take turns, then one after the
other. Each round a resident presses "My
requests" on the main menu (menu: the list from Core) and opens the request from the list's
button (card: the request from Core, sent with the button answered); the bare bot answers the
same updates with the same Telegram calls (a message with a button; a message and the button
answered) and no backend. Simulated users act one at a time and wait for the reply through the
emulator's control API.

While taking turns, other residents also press "Help" (answered by the full bot with no backend
call, by the bare bot as any text): the full bot's floor, its own path and nothing else.

Printed: p50/p95 of send -> reply per action and updates per second, with 1 user (BENCH_ALONE
residents, 4, one after the other: one update in flight at a time) and with BENCH_USERS (40) at
once, BENCH_ROUNDS (15) rounds each; the 1-user ratios full/bare from a phase where both bots run
and take turns resident by resident (so the machine's drift falls on both alike), the 40-user one
from the two phases; the CPU per update of the bot, Core, the emulator and this process (the
simulated users: were it the limit of a phase, the bots would not be; utime+stime from
/proc/<pid>/stat around each phase, less what the process uses idle in as long); the bot's own
time per update (its histogram, rate limit entry -> handler return);
the ceilings two busy cores put on the 40-user ratio (the bare phase's CPU per update over the full
phase's, and over the full phase's less the bot's own); Core's two calls timed alone from the
bench; Redis round trips and commands per update (MONITOR on
the bot's own logical database: a script's own calls not counted, a connection's commands within
50 us of each other one round trip) and PostgreSQL transactions per update (`pg_stat_database` of
the bot's and Core's databases; a read's statements run outside a transaction and count one each),
less the idle bot's, in a counting phase of its own; where a full phase's updates spent their time
in the bot, from its histograms (`time_split`): the dispatcher taking an update to its end, split
into the chat's lock (taken with its reads, released after) and the rate limit, the wait for Core,
the wait for Telegram, and the bot's own middlewares, handler and rendering.
BENCH_PROFILE=<file> records the bot under py-spy (when on PATH) into a speedscope file,
BENCH_PROFILE_CORE=<file> the Core Service.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from loadtests.processes import cpu_seconds, free_port, machine
from scripts.stack import stop_all
from shared.http import PooledTransport

USERS = int(os.environ.get("BENCH_USERS", "40"))
# The "1 user" phase: residents one after the other (each under the rate limit), for enough samples.
ALONE = int(os.environ.get("BENCH_ALONE", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))  # per user: under the 20 messages/min limit
# Updates of each action in the counting phase (menus: with /start, under 20 messages a minute).
COUNT_ROUNDS = {"menu": 15, "card": 30}
FULL_TOKEN = "100000010:bench-full-bot"  # noqa: S105 (emulator bots)
ECHO_TOKEN = "100000011:bench-echo-bot"  # noqa: S105
CORE_TOKEN = "bench-core-token"  # noqa: S105 (a throwaway local token)
TENANT = "default"
DEMO_ADMIN = 1000006  # the admin `python -m core_service seed-demo` makes
LANGUAGE = "ru"
BOT_DB, SHARED_DB = 14, 15  # Redis logical databases: the bot's own, the emulator's and Core's
PG_STATS_FLUSH = 11.0  # seconds: PostgreSQL 15 backends report an idle transaction's stats within 10 s
IDLE_SECONDS = 4.0  # before a phase: each process's CPU when idle, taken off its CPU per update
PROCESSES = ("bot", "core", "emulator", "client")  # whose CPU per update a phase reads
Phase = dict[str, dict[str, float]]


def _spawn(args: list[str], env: dict[str, str], port: int | None = None) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, *args], env={**os.environ, **env},  # noqa: S603
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if port is not None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    return proc
            except httpx.HTTPError:
                time.sleep(0.3)
        proc.kill()
        raise SystemExit(f"{args} did not become healthy on port {port}")
    return proc


def menu_text() -> str:
    """The resident's "My requests" menu button, as the keyboard shows it."""
    from bot_gateway.i18n import t

    return t("button.my_requests", LANGUAGE)


def help_text() -> str:
    """The main menu's "Help" button: answered from the bot alone, no backend call."""
    from bot_gateway.i18n import t

    return t("button.help", LANGUAGE)


@dataclass
class Chat:
    """One simulated user's chat with one bot through the emulator's control API."""

    http: httpx.AsyncClient
    token: str
    user_id: int
    listing: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        """The chat's control API prefix."""
        return f"/control/bots/{self.token}/chats/{self.user_id}"

    async def _reply(self, after: int | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"timeout": 60}
        if after is not None:
            params["after_message_id"] = after
        reply = await self.http.get(f"{self.base}/wait", params=params, timeout=70)
        reply.raise_for_status()
        answer: dict[str, Any] = reply.json()
        return answer

    async def say(self, text: str) -> float:
        """Send a text and wait for the bot's reply; milliseconds taken (the reply kept as the list)."""
        started = time.perf_counter()
        (await self.http.post(f"{self.base}/messages", json={"text": text})).raise_for_status()
        self.listing = await self._reply()
        return (time.perf_counter() - started) * 1000

    async def open_first(self) -> float:
        """Press the list's first button and wait for the card; milliseconds taken."""
        button = self.listing["reply_markup"]["inline_keyboard"][0][0]
        body = {"message_id": self.listing["message_id"], "data": button["callback_data"]}
        last = await self.http.get(f"{self.base}/transcript")
        last.raise_for_status()
        after = max(m["message_id"] for m in last.json()["messages"])
        started = time.perf_counter()
        (await self.http.post(f"{self.base}/callbacks", json=body)).raise_for_status()
        await self._reply(after)
        return (time.perf_counter() - started) * 1000


async def _taking_turns(emulator: str, full_ids: range, bare_ids: range, help_ids: tuple[range, range],
                        ) -> dict[str, Phase]:
    """One user at a time, the full and the bare bot taking turns resident by resident (a resident's
    ROUNDS rounds with one, then another's with the other, each turn about a second): both meet the
    machine as it is in that second, so its drift over a run (its speed here varies up to twice
    within minutes) falls on both alike; within a turn the updates follow each other as in the
    phases of one bot (no idle gap, which would add the same wake-up time to both). Then other
    residents (`help_ids`: the full bot's, the bare bot's) press "Help" ROUNDS times each, taking
    turns the same way: the full bot's whole path with no backend call (its floor)."""
    times: dict[str, tuple[list[float], list[float]]] = {"full": ([], []), "bare": ([], [])}
    helps: dict[str, list[float]] = {"full": [], "bare": []}
    async with _control(emulator, 4) as http:
        pairs = [(Chat(http, FULL_TOKEN, full), Chat(http, ECHO_TOKEN, bare))
                 for full, bare in zip(full_ids, bare_ids, strict=True)]
        helping = [(Chat(http, FULL_TOKEN, full), Chat(http, ECHO_TOKEN, bare))
                   for full, bare in zip(*help_ids, strict=True)]
        for ids in (full_ids, bare_ids, *help_ids):
            await _users(http, ids)
        for full, bare in (*pairs, *helping):
            await full.say("/start")
            await bare.say("/start")
        for full, bare in pairs:
            await _rounds(full, ROUNDS, *times["full"])
            await _rounds(bare, ROUNDS, *times["bare"])
        for full, bare in helping:
            for name, chat in (("full", full), ("bare", bare)):
                helps[name].extend([await chat.say(help_text()) for _ in range(ROUNDS)])
    return {name: {"menu": _quantiles(menu), "card": _quantiles(card), "help": _quantiles(helps[name])}
            for name, (menu, card) in times.items()}


def _control(emulator: str, connections: int) -> httpx.AsyncClient:
    """A client of the emulator's control API on aiohttp's pool, as the bot's clients are: httpx's own
    pool polls every connection it holds on each request, which with 90 of them made this process,
    not the bots, the limit of the 40-user phases."""
    return httpx.AsyncClient(base_url=emulator, timeout=30, transport=PooledTransport(connections))


async def _users(http: httpx.AsyncClient, ids: range) -> None:
    for uid in ids:
        made = await http.post("/control/users", json={"id": uid, "first_name": f"Bench{uid}",
                                                       "language_code": LANGUAGE})
        made.raise_for_status()


async def _rounds(chat: Chat, rounds: int, menu: list[float], card: list[float]) -> None:
    for _ in range(rounds):
        menu.append(await chat.say(menu_text()))
        card.append(await chat.open_first())


def _samples(port: int) -> dict[str, float]:
    """The bot's own histograms' sums (seconds) and counts so far, by sample name and labels."""
    lines = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text.splitlines()
    return {name: float(value) for name, _, value in (
        line.rpartition(" ") for line in lines
        if line.startswith("bot_") and ("_sum{" in line or "_count{" in line))}


def per_action_chain(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """The bot's own time per update between two `_samples` (its histogram of rate limit entry ->
    handler return), mean ms, for messages (menu) and buttons (card); empty with no samples."""
    if not after:
        return {}

    def mean(kind: str) -> float:
        names = [f'bot_update_duration_seconds_{part}{{event_type="{kind}"}}' for part in ("sum", "count")]
        total, count = (after.get(name, 0.0) - before.get(name, 0.0) for name in names)
        return total * 1000 / max(1.0, count)

    return {"menu": mean("message"), "card": mean("callback_query")}


def time_split(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Where the updates between two `_samples` spent their time in the bot, mean ms each: in all
    (the dispatcher taking an update to its end), outside the middleware chain (the chat's lock,
    taken with its reads and released after, and the rate limit), waiting for Core and for Telegram
    (every Bot API call but the long poll), and the rest (the bot's own middlewares, handler and
    rendering)."""
    def spent(histogram: str, part: str = "sum") -> float:
        return sum(value - before.get(name, 0.0) for name, value in after.items()
                   if name.startswith(f"{histogram}_{part}{{") and 'method="GetUpdates"' not in name)

    updates = spent("bot_update_dispatch_seconds", "count")
    if not updates:
        return {}
    whole, chain, core, telegram = (spent(name) * 1000 / updates for name in (
        "bot_update_dispatch_seconds", "bot_update_duration_seconds", "bot_backend_call_seconds",
        "bot_telegram_request_seconds"))
    return {"whole": whole, "lock": whole - chain, "core": core, "telegram": telegram,
            "own": chain - core - telegram}


async def _measure(emulator: str, token: str, ids: range, pids: dict[str, int], *,
                   alone: bool = False, metrics_port: int | None = None) -> Phase:
    """Warm up each user (/start signs them in), then ROUNDS of menu + card each, all users at once
    (`alone`: one user after the other, so one update is in flight at a time)."""
    menu: list[float] = []
    card: list[float] = []
    async with _control(emulator, len(ids) * 2 + 10) as http:
        await _users(http, ids)
        chats = [Chat(http, token, uid) for uid in ids]
        await asyncio.gather(*(chat.say("/start") for chat in chats))
        idle = {name: cpu_seconds(pid) for name, pid in pids.items()}
        await asyncio.sleep(IDLE_SECONDS)
        cpu, started = {name: cpu_seconds(pid) for name, pid in pids.items()}, time.perf_counter()
        timed = _samples(metrics_port) if metrics_port is not None else {}
        if alone:
            for chat in chats:
                await _rounds(chat, ROUNDS, menu, card)
        else:
            await asyncio.gather(*(_rounds(chat, ROUNDS, menu, card) for chat in chats))
        elapsed = time.perf_counter() - started
        timed_after = _samples(metrics_port) if metrics_port is not None else {}
        # Less what each process spends idle in as long (the bot's background loops, polling).
        used = {f"{name}_cpu_ms": (cpu_seconds(pid) - cpu[name]
                                   - (cpu[name] - idle[name]) * elapsed / IDLE_SECONDS) * 1000
                for name, pid in pids.items()}
    updates = len(menu) + len(card)
    return {"menu": _quantiles(menu), "card": _quantiles(card),
            "chain": per_action_chain(timed, timed_after), "split": time_split(timed, timed_after),
            "all": {"per_second": updates / elapsed, "updates": updates,
                    "bot_idle_ms_per_s": (cpu["bot"] - idle["bot"]) * 1000 / IDLE_SECONDS,
                    **{name: ms / updates for name, ms in used.items()}}}


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50": statistics.median(ordered), "p95": ordered[max(0, int(len(ordered) * 0.95) - 1)]}


class RedisCounter:
    """Commands the clients of one logical database send, from MONITOR (scripts' own calls left
    out, a MULTI ... EXEC block counted once), and round trips: a connection's commands less than
    PIPELINED seconds apart came in one write (a pipeline) and count once."""

    PIPELINED = 50e-6

    def __init__(self, url: str, db: int) -> None:
        self.url, self.db = url, db
        self.count = 0
        self.trips = 0
        self._last: dict[str, float] = {}
        self._in_multi: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    def _seen(self, entry: dict[str, Any]) -> None:
        if entry.get("db") != self.db or entry.get("client_type") == "lua":
            return
        command = str(entry.get("command", "")).split(" ", 1)[0].upper()
        client = f"{entry.get('client_address')}:{entry.get('client_port')}"
        at, last = float(entry.get("time", 0.0)), self._last.get(client, 0.0)
        self._last[client] = at
        if at - last > self.PIPELINED:
            self.trips += 1
        if command == "MULTI":
            self._in_multi.add(client)
        elif command == "EXEC":
            self._in_multi.discard(client)
            self.count += 1
        elif client not in self._in_multi:
            self.count += 1

    async def run(self) -> None:
        """Count until cancelled."""
        from redis.asyncio import Redis

        redis = Redis.from_url(self.url)
        try:
            async with redis.monitor() as monitor:
                async for entry in monitor.listen():
                    self._seen(entry)
        finally:
            await redis.aclose()


async def _pg_transactions(names: list[str]) -> dict[str, int]:
    """Committed + rolled back transactions so far per database."""
    import asyncpg

    from shared import testing

    conn = await asyncpg.connect(testing.pg_server_url().replace("postgresql+asyncpg://", "postgresql://")
                                 + "/postgres")
    try:
        rows = await conn.fetch("SELECT datname, xact_commit + xact_rollback AS n FROM pg_stat_database "
                                "WHERE datname = ANY($1::text[])", names)
    finally:
        await conn.close()
    return {row["datname"]: int(row["n"]) for row in rows}


async def _count(emulator: str, redis_url: str, uid: int, databases: list[str]) -> Phase:
    """One resident, COUNT_ROUNDS menus then COUNT_ROUNDS cards: Redis commands and PostgreSQL
    transactions per update of each action, less what the idle bot does in as long (its
    background loops)."""
    monitor = RedisCounter(redis_url, BOT_DB)
    task = asyncio.create_task(monitor.run())
    counts: Phase = {}

    async def reading() -> tuple[float, int, int, dict[str, int]]:
        return time.monotonic(), monitor.count, monitor.trips, await _pg_transactions(databases)

    async with _control(emulator, 4) as http:
        await _users(http, range(uid, uid + 1))
        chat = Chat(http, FULL_TOKEN, uid)
        await chat.say("/start")
        actions: list[tuple[str, Callable[[], Awaitable[float]]]] = [
            ("menu", lambda: chat.say(menu_text())), ("card", chat.open_first)]
        await asyncio.sleep(PG_STATS_FLUSH)
        for name, action in actions:
            idle_from = await reading()
            await asyncio.sleep(PG_STATS_FLUSH)
            busy_from = await reading()
            for _ in range(COUNT_ROUNDS[name]):
                await action()
            await asyncio.sleep(PG_STATS_FLUSH)  # the last writes after the reply, the stats reported
            busy_to = await reading()
            share = (busy_to[0] - busy_from[0]) / (busy_from[0] - idle_from[0])

            def per_update(before: float, after: float, idle: float, share: float = share,
                           rounds: int = COUNT_ROUNDS[name]) -> float:
                return (after - before - idle * share) / rounds

            counts[name] = {"redis": per_update(busy_from[1], busy_to[1], busy_from[1] - idle_from[1]),
                            "trips": per_update(busy_from[2], busy_to[2], busy_from[2] - idle_from[2]), **{
                db: per_update(busy_from[3].get(db, 0), busy_to[3].get(db, 0),
                               busy_from[3].get(db, 0) - idle_from[3].get(db, 0)) for db in databases}}
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return counts


def _echo_bot() -> None:
    """The bare baseline: aiogram, memory storage, no middlewares; a text is answered with a
    message and a button, a button press with a message and the press answered."""
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

    dp = Dispatcher()
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="№1", callback_data="view:1")]])

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "", reply_markup=markup)

    @dp.callback_query()
    async def card(callback: CallbackQuery) -> None:
        if isinstance(callback.message, Message):
            await callback.message.answer(f"card {callback.data}")
        await callback.answer()

    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["BENCH_API_URL"]))
    asyncio.run(dp.start_polling(Bot(ECHO_TOKEN, session=session), polling_timeout=10))


def _databases() -> tuple[str, str]:
    from shared import testing
    from shared.migrations import upgrade

    core_url = asyncio.run(testing.create_database("bench_core"))
    bot_url = asyncio.run(testing.create_database("bench_bot"))
    import bot_gateway
    import core_service

    upgrade(Path(core_service.__file__).parent / "migrations", core_url)
    upgrade(Path(bot_gateway.__file__).parent / "migrations", bot_url)
    return core_url, bot_url


async def _residents(core: str, ids: range) -> dict[int, tuple[str, str, str]]:
    """Active applicants with a confirmed apartment and one request each, through Core's API as the
    demo admin (as `loadtests/locustfile_resident.py` makes them): Core user id, access token and
    request number by Telegram id."""
    made: dict[int, tuple[str, str, str]] = {}
    async with httpx.AsyncClient(base_url=core, timeout=30, headers={"X-Tenant-ID": TENANT}) as http:

        async def call(method: str, path: str, token: str, **kwargs: Any) -> Any:
            answer = await http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
            answer.raise_for_status()
            return answer.json()

        async def sign_in(telegram_id: int) -> dict[str, Any]:
            body = {"telegram_id": telegram_id, "first_name": f"Bench{telegram_id}",
                    "language_code": LANGUAGE}
            answer: dict[str, Any] = await call("POST", "/api/v1/auth/telegram", CORE_TOKEN, json=body)
            return answer

        admin = (await sign_in(DEMO_ADMIN))["access_token"]
        listing = await call("GET", "/api/v1/buildings", admin)
        building = (listing["items"] if isinstance(listing, dict) else listing)[0]

        async def resident(uid: int) -> None:
            user = (await sign_in(uid))["user"]
            await call("PUT", f"/api/v1/users/{user['id']}/roles", admin,
                       json={"roles": ["applicant"], "comment": "bench resident"})
            await call("PATCH", f"/api/v1/users/{user['id']}/status", admin, json={"status": "active"})
            apartment = str(1 + uid % int(building["apartments"]))
            residency = await call("POST", "/api/v1/residencies", admin, json={
                "building_id": building["id"], "apartment": apartment, "user_id": user["id"]})
            if residency["status"] == "pending":
                await call("POST", f"/api/v1/residencies/{residency['id']}/approve", admin)
            token = (await sign_in(uid))["access_token"]
            request = await call("POST", "/api/v1/requests", token, json={
                "building_id": building["id"], "apartment": apartment, "category": "plumbing",
                "description": "Течёт кран на кухне"})
            made[uid] = (str(user["id"]), token, request["number"])

        for start in range(ids.start, ids.stop, 10):
            await asyncio.gather(*(resident(uid) for uid in range(start, min(start + 10, ids.stop))))
    return made


async def _core_alone(core: str, user_id: str, token: str, number: str) -> Phase:
    """The two Core calls the bot makes (the list's first page, the request), timed from here."""
    headers = {"Authorization": f"Bearer {token}", "X-Tenant-ID": TENANT}
    menu: list[float] = []
    card: list[float] = []
    async with httpx.AsyncClient(base_url=core, timeout=30, headers=headers) as http:
        for _ in range(ROUNDS + 1):
            started = time.perf_counter()
            (await http.get("/api/v1/requests", params={"page": 1, "page_size": 5,
                                                        "applicant_id": user_id})).raise_for_status()
            menu.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            (await http.get(f"/api/v1/requests/{number}")).raise_for_status()
            card.append((time.perf_counter() - started) * 1000)
    return {"menu": _quantiles(menu[1:]), "card": _quantiles(card[1:])}


def throughput_ceilings(full: dict[str, float], bare: dict[str, float]) -> tuple[float, float]:
    """The throughput ratio full/bare the machine allows when its cores are the limit (every
    process of a phase shares them): the bare phase's CPU per update over the full phase's, and
    the same with the full bot's own CPU left out (what Core, the emulator and the client bound)."""
    full_ms = sum(full[f"{name}_cpu_ms"] for name in PROCESSES)
    bare_ms = sum(bare[f"{name}_cpu_ms"] for name in PROCESSES)
    return bare_ms / full_ms, bare_ms / (full_ms - full["bot_cpu_ms"])


def _report(results: dict[str, Phase], turns: dict[str, Phase], counts: Phase, databases: dict[str, str],
            core: Phase) -> None:
    print(f"bot_gateway bench: a resident's menu (My requests) and card (open a request), send -> reply "
          f"via the emulator's control API, {ROUNDS} rounds per user ('1 user': {ALONE} one after the other)")
    print(f"machine: {machine()}")
    print(f"{'':26}{'updates/s':>10}{'menu p50':>9}{'p95':>7}{'card p50':>9}{'p95':>7}"
          f"   CPU ms per update: bot, Core, emulator, this client (idle bot ms/s)")
    for name, row in results.items():
        print(f"{name:26}{row['all']['per_second']:>10.1f}{row['menu']['p50']:>9.1f}{row['menu']['p95']:>7.1f}"
              f"{row['card']['p50']:>9.1f}{row['card']['p95']:>7.1f}{row['all']['bot_cpu_ms']:>9.2f}"
              f"{row['all']['core_cpu_ms']:>7.2f}{row['all']['emulator_cpu_ms']:>7.2f}"
              f"{row['all']['client_cpu_ms']:>7.2f}{row['all']['bot_idle_ms_per_s']:>7.1f}")
    print(f"{'Core alone, 1 user':26}{'':>10}{core['menu']['p50']:>9.1f}{core['menu']['p95']:>7.1f}"
          f"{core['card']['p50']:>9.1f}{core['card']['p95']:>7.1f}   (the bot's Core call of each action, "
          f"timed from the bench)")
    for name, row in turns.items():
        print(f"{name + ', 1 user, taking turns':26}{'':>10}{row['menu']['p50']:>9.1f}"
              f"{row['menu']['p95']:>7.1f}{row['card']['p50']:>9.1f}{row['card']['p95']:>7.1f}"
              "   (a resident's rounds with one, then with the other)")
    one, one_bare = results["full, 1 user"], results["bare, 1 user"]
    for name in ("full, 1 user", f"full, {USERS} users"):
        chain = results[name]["chain"]
        print(f"{name}: the bot's own time per update (rate limit entry -> handler return, mean): "
              f"menu {chain['menu']:.1f} ms, card {chain['card']:.1f} ms")
        split = results[name]["split"]
        print(f"{name}: where an update's time goes in the bot (mean ms, menus and cards): "
              f"{split['whole']:.2f} from the dispatcher to its end = the chat's lock, taken with its reads "
              f"and released, and the rate limit {split['lock']:.2f} + waiting for Core "
              f"{split['core']:.2f} + for Telegram {split['telegram']:.2f} + the bot's own middlewares, "
              f"handler and rendering {split['own']:.2f}")
    many, many_bare = results[f"full, {USERS} users"], results[f"bare, {USERS} users"]
    for action in ("menu", "card"):
        full, bare = turns["full"][action], turns["bare"][action]
        ratio = full["p95"] / bare["p95"]
        print(f"1 user {action}, taking turns: p50 x{full['p50'] / bare['p50']:.2f}, p95 x{ratio:.2f} "
              f"(target <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'}); one phase after the other: "
              f"p95 x{one[action]['p95'] / one_bare[action]['p95']:.2f}")
    full, bare = turns["full"]["help"], turns["bare"]["help"]
    print(f"1 user help (the full bot's path with no backend call: its floor), taking turns: full p50 "
          f"{full['p50']:.1f} p95 {full['p95']:.1f}, bare p50 {bare['p50']:.1f} p95 {bare['p95']:.1f} ms: "
          f"p50 x{full['p50'] / bare['p50']:.2f}, p95 x{full['p95'] / bare['p95']:.2f}")
    ratio = many["all"]["per_second"] / many_bare["all"]["per_second"]
    print(f"{USERS} users throughput x{ratio:.2f} (target >= 0.8: {'met' if ratio >= 0.8 else 'NOT met'}); "
          f"bot CPU per update x{one['all']['bot_cpu_ms'] / one_bare['all']['bot_cpu_ms']:.2f} (1 user), "
          f"x{many['all']['bot_cpu_ms'] / many_bare['all']['bot_cpu_ms']:.2f} ({USERS} users)")
    ceiling, bot_free = throughput_ceilings(many["all"], many_bare["all"])
    print(f"{USERS} users, the two cores the limit: the bare stack's CPU per update over the full stack's "
          f"caps the ratio at x{ceiling:.2f}; with a bot costing no CPU at all, x{bot_free:.2f}")
    for action, counted in counts.items():
        print(f"round trips per {action} update ({COUNT_ROUNDS[action]} updates): "
              f"bot Redis {counted['trips']:.1f} ({counted['redis']:.1f} commands), "
              f"bot PostgreSQL {counted[databases['bot']]:.1f} transactions; "
              f"Core PostgreSQL {counted[databases['core']]:.1f} transactions (a read's statements one each)")


def main() -> int:
    """Start the emulator and Core, make residents, measure both bots one after the other, print."""
    from cryptography.fernet import Fernet

    from shared import testing

    core_db, bot_db = _databases()
    names = {"core": core_db.rsplit("/", 1)[1], "bot": bot_db.rsplit("/", 1)[1]}
    server = testing.redis_url("bot").rsplit("/", 1)[0]
    # Logical databases of its own, so a bench never mixes keys with the test suites (bot uses 12).
    redis, bot_redis = f"{server}/{SHARED_DB}", f"{server}/{BOT_DB}"
    # Emptied first: the residents' ids are fixed, and an earlier run's hourly rate-limit counts
    # would otherwise turn this run's replies into "too many messages".
    for url in (redis, bot_redis):
        _flush(url)
    emu_port, core_port, bot_port = free_port(), free_port(), free_port()
    emulator, core = f"http://127.0.0.1:{emu_port}", f"http://127.0.0.1:{core_port}"
    core_env = {"CORE_DATABASE_URL": core_db, "CORE_REDIS_URL": redis, "CORE_API_TOKENS": CORE_TOKEN,
                "CORE_JWT_SECRET": "bench-jwt-secret-0123456789abcdef0123", "CORE_RUN_WORKERS": "false",
                "CORE_LOG_LEVEL": "WARNING"}
    # Every process at WARNING, as in `make run`'s stack: a log line per request is not what is measured.
    procs = [_spawn(["-m", "telegram_emulator"], {"EMULATOR_PORT": str(emu_port), "EMULATOR_REDIS_URL": redis,
                                                 "EMULATOR_LOG_LEVEL": "WARNING"}, emu_port)]
    results: dict[str, Phase] = {}
    try:
        subprocess.run([sys.executable, "-m", "core_service", "seed-demo"], check=True,
                       env={**os.environ, **core_env}, stdout=subprocess.DEVNULL)
        procs.append(_spawn(["-m", "core_service"], {**core_env, "CORE_PORT": str(core_port)}, core_port))
        one, many = range(7_000_001, 7_000_001 + ALONE), range(7_100_001, 7_100_001 + USERS)
        counted, turns = 7_200_001, range(7_300_001, 7_300_001 + ALONE)
        helping = range(7_400_001, 7_400_001 + ALONE)
        alone = asyncio.run(_residents(core, one))[one.start]
        asyncio.run(_residents(core, many))
        asyncio.run(_residents(core, range(counted, counted + 1)))
        asyncio.run(_residents(core, turns))
        asyncio.run(_residents(core, helping))
        bot = _spawn(["-m", "bot_gateway"], {
            "BOT_TELEGRAM_TOKEN": FULL_TOKEN, "BOT_TELEGRAM_API_URL": emulator, "BOT_PORT": str(bot_port),
            "BOT_DATABASE_URL": bot_db, "BOT_REDIS_URL": bot_redis, "BOT_CORE_URL": core,
            "BOT_CORE_API_TOKEN": CORE_TOKEN, "BOT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "BOT_LOG_LEVEL": "WARNING"}, bot_port)
        procs.append(bot)
        echo = _spawn(["-m", "loadtests.bench_bot", "echo"], {"BENCH_API_URL": emulator})
        procs.append(echo)
        time.sleep(8)  # the bare bot imports aiogram and starts polling
        taking_turns = asyncio.run(_taking_turns(emulator, turns, range(8_300_001, 8_300_001 + ALONE),
                                                 (helping, range(8_400_001, 8_400_001 + ALONE))))
        profilers = [spy for spy in (_profile("BENCH_PROFILE", bot.pid),
                                      _profile("BENCH_PROFILE_CORE", procs[1].pid)) if spy is not None]
        pids = {"bot": bot.pid, "core": procs[1].pid, "emulator": procs[0].pid, "client": os.getpid()}
        try:
            results["full, 1 user"] = asyncio.run(_measure(emulator, FULL_TOKEN, one, pids, alone=True,
                                                           metrics_port=bot_port))
            results[f"full, {USERS} users"] = asyncio.run(_measure(emulator, FULL_TOKEN, many, pids,
                                                                   metrics_port=bot_port))
        finally:
            for profiler in profilers:
                profiler.send_signal(2)  # py-spy writes its file on SIGINT
                profiler.wait(60)
        core_alone = asyncio.run(_core_alone(core, *alone))
        counts = asyncio.run(_count(emulator, server, counted, list(names.values())))
        stop_all([bot])
        solo = range(8_000_001, 8_000_001 + ALONE)
        results["bare, 1 user"] = asyncio.run(_measure(emulator, ECHO_TOKEN, solo,
                                                       {**pids, "bot": echo.pid}, alone=True))
        results[f"bare, {USERS} users"] = asyncio.run(_measure(emulator, ECHO_TOKEN,
                                                               range(8_100_001, 8_100_001 + USERS),
                                                               {**pids, "bot": echo.pid}))
        stop_all([echo])
    finally:
        stop_all(procs)
        asyncio.run(testing.drop_database(core_db))
        asyncio.run(testing.drop_database(bot_db))
    _report(results, taking_turns, counts, names, core_alone)
    return 0


def _flush(url: str) -> None:
    """Empty the bench's own Redis logical database at `url`."""
    import redis as redis_sync

    client = redis_sync.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def _profile(variable: str, pid: int) -> subprocess.Popen[bytes] | None:
    """py-spy recording process `pid` into the file named by `variable` (speedscope), when asked for
    and installed."""
    target, spy = os.environ.get(variable), shutil.which("py-spy")
    if not target or spy is None:
        return None
    return subprocess.Popen([spy, "record", "--pid", str(pid), "--rate", "250", "--format", "speedscope",  # noqa: S603
                             "--output", target, "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    if sys.argv[1:] == ["echo"]:
        _echo_bot()
    else:
        raise SystemExit(main())
