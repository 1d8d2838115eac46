"""`python -m loadtests.bench_bot`: update -> reply through the full stack vs a bare aiogram echo bot.

Starts the Telegram emulator and the Core Service (fresh databases on TEST_PG_URL), then, one
after the other, the real bot process (polling; rate limit -> logging -> auth -> handler, Redis
FSM with event isolation) and a bare aiogram echo bot process on the same emulator. Simulated
users each send messages one at a time and wait for the reply through the emulator's control
API; the figures are replies per second and p50/p95 of send -> reply, and the ratio.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from loadtests.processes import free_port
from scripts.stack import stop_all

USERS = int(os.environ.get("BENCH_USERS", "40"))
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "15"))  # per user: under the 20/min limit
FULL_TOKEN = "100000010:bench-full-bot"  # noqa: S105 (emulator bots)
ECHO_TOKEN = "100000011:bench-echo-bot"  # noqa: S105
CORE_TOKEN = "bench-core-token"  # noqa: S105 (a throwaway local token)


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


async def _exchange(http: httpx.AsyncClient, token: str, user_id: int, text: str) -> float:
    """Send one message and wait for the bot's reply; milliseconds taken."""
    base = f"/control/bots/{token}/chats/{user_id}"
    started = time.perf_counter()
    sent = await http.post(f"{base}/messages", json={"text": text})
    sent.raise_for_status()
    reply = await http.get(f"{base}/wait", params={"timeout": 60}, timeout=70)
    reply.raise_for_status()
    return (time.perf_counter() - started) * 1000


async def _user_session(http: httpx.AsyncClient, token: str, user_id: int, latencies: list[float]) -> None:
    for n in range(MESSAGES):
        latencies.append(await _exchange(http, token, user_id, f"hello {n}"))


async def _measure(emulator: str, token: str, first_user: int, users: int = USERS) -> dict[str, float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=users * 2 + 10)
    async with httpx.AsyncClient(base_url=emulator, timeout=30, limits=limits) as http:
        ids = range(first_user, first_user + users)
        for uid in ids:
            made = await http.post("/control/users", json={"id": uid, "first_name": f"Bench{uid}",
                                                           "language_code": "ru"})
            made.raise_for_status()
        # Warm-up, not measured: the first message signs each user in (and finds the bot polling).
        await asyncio.gather(*(_exchange(http, token, uid, "warm-up") for uid in ids))
        started = time.perf_counter()
        await asyncio.gather(*(_user_session(http, token, uid, latencies) for uid in ids))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {"replies": len(ordered), "per_second": len(ordered) / elapsed,
            "p50": statistics.median(ordered), "p95": ordered[int(len(ordered) * 0.95) - 1]}


def _server_side(port: int) -> dict[str, float]:
    """p50/p95 of middleware entry -> handler return, from the bot's own histogram (bucket bounds)."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    buckets: list[tuple[float, float]] = []
    for line in text.splitlines():
        if line.startswith('bot_update_duration_seconds_bucket{event_type="message"'):
            bound = line.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((float("inf") if bound == "+Inf" else float(bound), float(line.rsplit(" ", 1)[1])))
    total = buckets[-1][1] if buckets else 0.0

    def quantile(q: float) -> float:
        return next((b * 1000 for b, count in buckets if count >= q * total), float("nan"))

    return {"count": total, "p50_le": quantile(0.5), "p95_le": quantile(0.95)}


def _echo_bot() -> None:
    """The bare baseline: aiogram, memory storage, no middlewares, echo every text."""
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

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


def _report(results: dict[str, dict[str, dict[str, float]]], server: dict[str, float]) -> None:
    print(f"bot_gateway bench: update -> reply via the emulator's control API, {MESSAGES} messages per user")
    print(f"{'':38}{'replies/s':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for run, rows in results.items():
        for name, row in rows.items():
            print(f"{name + ', ' + run:38}{row['per_second']:>10.1f}{row['p50']:>9.1f}{row['p95']:>9.1f}")
    full, echo = results[f"{USERS} users"]["full stack"], results[f"{USERS} users"]["bare echo"]
    print(f"ratio full/bare: p50 x{full['p50'] / echo['p50']:.2f}, p95 x{full['p95'] / echo['p95']:.2f}, "
          f"throughput x{full['per_second'] / echo['per_second']:.2f}")
    alone = results["1 user"]["full stack"]
    print(f"target p95 < 20 ms (1 user, send -> reply): {'met' if alone['p95'] < 20 else 'NOT met'} "
          f"(p95 {alone['p95']:.1f} ms)")
    print(f"bot-side, middleware entry -> handler return incl. sendMessage ({server['count']:.0f} updates): "
          f"p50 <= {server['p50_le']:.1f} ms, p95 <= {server['p95_le']:.1f} ms (histogram bucket bounds)")


def main() -> int:
    """Start the emulator and Core, measure both bots one after the other, print the figures."""
    from cryptography.fernet import Fernet

    from shared import testing

    core_db, bot_db = _databases()
    # Its own logical database, so a bench never mixes keys with the test suites (bot uses 12).
    redis = testing.redis_url("bot").rsplit("/", 1)[0] + "/15"
    emu_port, core_port, bot_port = free_port(), free_port(), free_port()
    emulator = f"http://127.0.0.1:{emu_port}"
    procs = [_spawn(["-m", "telegram_emulator"], {"EMULATOR_PORT": str(emu_port),
                                                 "EMULATOR_REDIS_URL": redis}, emu_port)]
    try:
        procs.append(_spawn(["-m", "core_service"], {
            "CORE_PORT": str(core_port), "CORE_DATABASE_URL": core_db, "CORE_REDIS_URL": redis,
            "CORE_API_TOKENS": CORE_TOKEN, "CORE_JWT_SECRET": "bench-jwt-secret-0123456789abcdef0123",
            "CORE_RUN_WORKERS": "false", "CORE_LOG_LEVEL": "WARNING"}, core_port))
        bot = _spawn(["-m", "bot_gateway"], {
            "BOT_TELEGRAM_TOKEN": FULL_TOKEN, "BOT_TELEGRAM_API_URL": emulator, "BOT_PORT": str(bot_port),
            "BOT_DATABASE_URL": bot_db, "BOT_REDIS_URL": redis, "BOT_CORE_URL": f"http://127.0.0.1:{core_port}",
            "BOT_CORE_API_TOKEN": CORE_TOKEN, "BOT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "BOT_LOG_LEVEL": "WARNING"}, bot_port)
        full_one = asyncio.run(_measure(emulator, FULL_TOKEN, 7_000_001, users=1))
        full = asyncio.run(_measure(emulator, FULL_TOKEN, 7_100_001))
        server = _server_side(bot_port)
        stop_all([bot])
        echo = _spawn(["-m", "loadtests.bench_bot", "echo"], {"BENCH_API_URL": emulator})
        time.sleep(8)  # the echo bot imports aiogram and starts polling
        bare_one = asyncio.run(_measure(emulator, ECHO_TOKEN, 8_000_001, users=1))
        bare = asyncio.run(_measure(emulator, ECHO_TOKEN, 8_100_001))
        stop_all([echo])
    finally:
        stop_all(procs)
        asyncio.run(testing.drop_database(core_db))
        asyncio.run(testing.drop_database(bot_db))
    _report({"1 user": {"full stack": full_one, "bare echo": bare_one},
             f"{USERS} users": {"full stack": full, "bare echo": bare}}, server)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["echo"]:
        _echo_bot()
    else:
        raise SystemExit(main())
