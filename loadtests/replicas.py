"""Every service twice, as real processes on this machine, behind round-robin proxies.

Two Core Service replicas (each with its loops and outbox relay), two Integration APIs and two
Integration workers, the Telegram emulator, and two bots in webhook mode: the emulator posts each
update to a proxy that alternates between the bots, and the bots call Core through a proxy that
alternates between the Core replicas. Fresh databases, one Redis logical database, every process's
output in a log file of a temporary directory. `shared/tests/replicas/` asserts on what it does and
`loadtests/bench_replicas.py` prints its figures; the scenario helpers here serve both.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from redis.asyncio import Redis

from loadtests.processes import ROOT, free_port
from loadtests.proxy import RoundRobin, round_robin
from scripts.stack import stop_all
from shared import testing
from shared.migrations import upgrade

BOT_TOKEN = "100000001:emulator-bot-token"  # noqa: S105 (an emulator bot; the bot tests' harness uses it)
CORE_TOKEN = "replicas-core-token"  # noqa: S105 (throwaway local secrets)
JWT_SECRET = "replicas-jwt-secret-0123456789abcdef"  # noqa: S105
WEBHOOK_SECRET = "replicas-telegram-secret"  # noqa: S105
HMAC_SECRET = "replicas-hmac-secret"  # noqa: S105
TENANT, SOURCE = "default", "replicas"
ADDRESS = "Ташкент, ул. Навои, 1"
MANAGERS = (701_000_001, 701_000_002)
EXECUTORS = (701_000_011, 701_000_012)  # plumbers: offered every plumbing request
FIRST_RESIDENT = 701_100_001
NEWCOMER = 701_200_001  # a resident with no apartment yet: names the building in the bot's dialogue
STARTUP_SECONDS = 240.0  # nine processes importing at once on two shared cores


@dataclass
class People:
    """Who is in Core and the emulator: managers, plumbers, residents with an active residency."""

    managers: tuple[int, ...] = MANAGERS
    executors: tuple[int, ...] = EXECUTORS
    residents: tuple[int, ...] = ()
    newcomer: int = NEWCOMER
    building_id: int = 0


@dataclass
class Cluster:
    """The running replicas: where to reach them, their proxies, databases and log files."""

    logs: Path
    redis: str
    core_db: str
    integration_db: str
    bot_db: str
    people: People
    flood_control: bool = False  # the emulator answers 429 past Telegram's limits
    emulator: str = ""
    cores: list[str] = field(default_factory=list)
    integrations: list[str] = field(default_factory=list)
    bots: list[str] = field(default_factory=list)
    core_proxy: RoundRobin | None = None
    bot_proxy: RoundRobin | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def tails(self, lines: int = 40) -> str:
        """The last lines of every process's log (what to read when something failed)."""
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"----- {log} -----\n" + "\n".join(text))
        return "\n".join(parts)


def _small_pools(prefix: str) -> dict[str, str]:
    # Nine processes share a PostgreSQL whose 100 connections the test suites use too.
    return {f"{prefix}DB_POOL_SIZE": "3", f"{prefix}DB_MAX_OVERFLOW": "1"}


def _spawn(cluster: Cluster, name: str, args: list[str], env: dict[str, str]) -> None:
    log = (cluster.logs / f"{name}.log").open("wb")
    with log:
        cluster.processes[name] = subprocess.Popen(  # noqa: S603
            [sys.executable, *args], cwd=ROOT, env={**os.environ, **env}, stdout=log,
            stderr=subprocess.STDOUT)


def _wait_healthy(cluster: Cluster, ports: dict[str, int]) -> None:
    """Until every named process answers `/health` on its port; raises naming those that did not."""
    waiting = dict(ports)
    deadline = time.monotonic() + STARTUP_SECONDS
    while waiting and time.monotonic() < deadline:
        for name, port in list(waiting.items()):
            if cluster.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited ({cluster.processes[name].returncode}) while starting")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    del waiting[name]
            except httpx.HTTPError:
                pass
        time.sleep(0.3)
    if waiting:
        raise RuntimeError(f"not healthy after {STARTUP_SECONDS:.0f} s: {sorted(waiting)}")


def _databases(cluster: Cluster) -> None:
    import bot_gateway
    import core_service
    import integration_service

    for package, url in ((core_service, cluster.core_db), (integration_service, cluster.integration_db),
                         (bot_gateway, cluster.bot_db)):
        upgrade(Path(package.__file__).parent / "migrations", url)  # type: ignore[arg-type]


async def _seed_core(url: str, residents: int) -> People:
    """One building, the managers, the plumbers and the residents with active residencies (SQL)."""
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    import core_service.models  # noqa: F401 (every table on the metadata)
    from core_service.buildings.models import Building
    from core_service.cli import upsert_user
    from core_service.residency.models import Residency

    engine = create_async_engine(url)
    ids = tuple(range(FIRST_RESIDENT, FIRST_RESIDENT + residents))
    async with async_sessionmaker(engine)() as session, session.begin():
        building = Building(tenant_id=TENANT, address=ADDRESS, entrances=2, floors=9, apartments=500,
                            geocode_attempts=0)
        session.add(building)
        await session.flush()
        for telegram_id in MANAGERS:
            await upsert_user(session, TENANT, telegram_id, ["manager"], [],
                              first_name=f"Manager{telegram_id}")
        for telegram_id in EXECUTORS:
            await upsert_user(session, TENANT, telegram_id, ["executor"], ["plumbing"],
                              first_name=f"Plumber{telegram_id}")
        for n, telegram_id in enumerate(ids):
            user = await upsert_user(session, TENANT, telegram_id, ["applicant"], [],
                                     first_name=f"Resident{n}")
            session.add(Residency(tenant_id=TENANT, user_id=user.id, building_id=building.id,
                                  apartment=n + 1, entrance=1, status="active"))
        await upsert_user(session, TENANT, NEWCOMER, ["applicant"], [], first_name="Newcomer")
        people = People(residents=ids, building_id=building.id)
    await engine.dispose()
    return people


async def _hmac_config(url: str, key: str) -> None:
    """The Integration Service's webhook source `replicas`, HMAC-SHA256 signed."""
    from sqlalchemy import insert
    from sqlalchemy.ext.asyncio import create_async_engine

    import integration_service.models  # noqa: F401 (every table on the metadata)
    from integration_service.webhooks.models import WebhookConfig
    from shared.crypto import SecretBox

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(insert(WebhookConfig).values(
            tenant_id=TENANT, source=SOURCE, signature_scheme="hmac_sha256",
            secret_encrypted=SecretBox(key).encrypt(HMAC_SECRET), event_types=[], max_attempts=8,
            rate_limit_per_minute=1_000_000, is_active=True))
    await engine.dispose()


async def _emulator_users(emulator: str, people: People) -> None:
    async with httpx.AsyncClient(base_url=emulator, timeout=30) as http:
        for telegram_id in (*people.managers, *people.executors, *people.residents, people.newcomer):
            made = await http.post("/control/users", json={"id": telegram_id, "first_name": f"U{telegram_id}",
                                                           "language_code": "ru"})
            made.raise_for_status()


async def _flush(url: str) -> None:
    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()


def _start(cluster: Cluster, stack: ExitStack) -> None:
    """Both proxies, then every process at once; returns when all answer `/health`."""
    from cryptography.fernet import Fernet

    ports = {name: free_port() for name in ("emulator", "core-1", "core-2", "integration-1", "integration-2",
                                            "worker-1", "worker-2", "bot-1", "bot-2")}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    cluster.emulator = url["emulator"]
    cluster.cores = [url["core-1"], url["core-2"]]
    cluster.integrations = [url["integration-1"], url["integration-2"]]
    cluster.bots = [url["bot-1"], url["bot-2"]]
    cluster.core_proxy = stack.enter_context(round_robin(cluster.cores))
    cluster.bot_proxy = stack.enter_context(round_robin(cluster.bots))
    integration_key, bot_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    asyncio.run(_hmac_config(cluster.integration_db, integration_key))
    _spawn(cluster, "emulator", ["-m", "telegram_emulator"], {
        "EMULATOR_PORT": str(ports["emulator"]), "EMULATOR_LOG_LEVEL": "WARNING",
        "EMULATOR_FLOOD_CONTROL": str(cluster.flood_control).lower()})
    for n in (1, 2):
        _spawn(cluster, f"core-{n}", ["-m", "core_service"], {
            "CORE_PORT": str(ports[f"core-{n}"]), "CORE_DATABASE_URL": cluster.core_db,
            "CORE_REDIS_URL": cluster.redis, "CORE_API_TOKENS": CORE_TOKEN, "CORE_JWT_SECRET": JWT_SECRET,
            "CORE_RUN_WORKERS": "true", "CORE_LOG_LEVEL": "WARNING", "CORE_NUMBERING_POOL_SIZE": "2",
            **_small_pools("CORE_")})
        integration = {"INTEGRATION_DATABASE_URL": cluster.integration_db,
                       "INTEGRATION_REDIS_URL": cluster.redis, "INTEGRATION_API_TOKENS": CORE_TOKEN,
                       "INTEGRATION_PORT": str(ports[f"integration-{n}"]),
                       "INTEGRATION_ENCRYPTION_KEY": integration_key, "INTEGRATION_RUN_WORKER": "false",
                       "INTEGRATION_LOG_LEVEL": "WARNING", **_small_pools("INTEGRATION_")}
        _spawn(cluster, f"integration-{n}", ["-m", "integration_service", "serve"], integration)
        worker = ["-m", "integration_service", "worker", "--port", str(ports[f"worker-{n}"])]
        _spawn(cluster, f"worker-{n}", worker, integration)
    assert cluster.core_proxy is not None and cluster.bot_proxy is not None
    _wait_healthy(cluster, {"emulator": ports["emulator"]})
    asyncio.run(_emulator_users(cluster.emulator, cluster.people))
    for n in (1, 2):
        _spawn(cluster, f"bot-{n}", ["-m", "bot_gateway"], {
            "BOT_PORT": str(ports[f"bot-{n}"]), "BOT_TELEGRAM_TOKEN": BOT_TOKEN,
            "BOT_TELEGRAM_API_URL": cluster.emulator, "BOT_DATABASE_URL": cluster.bot_db,
            "BOT_REDIS_URL": cluster.redis, "BOT_CORE_URL": cluster.core_proxy.url,
            "BOT_CORE_API_TOKEN": CORE_TOKEN, "BOT_ENCRYPTION_KEY": bot_key, "BOT_MODE": "webhook",
            "BOT_WEBHOOK_URL": f"{cluster.bot_proxy.url}/telegram/webhook",
            "BOT_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "BOT_REGISTER_COMMANDS": "false", "BOT_LOG_LEVEL": "WARNING", **_small_pools("BOT_")})
    _wait_healthy(cluster, {name: port for name, port in ports.items() if name != "emulator"})


@contextmanager
def running(redis: str, residents: int = 20, flood_control: bool = False) -> Iterator[Cluster]:
    """The whole replicated stack on fresh databases and the emptied Redis database `redis` (the
    emulator enforcing Telegram's limits with `flood_control`); every process stopped and every
    database dropped afterwards (the log directory too)."""
    with tempfile.TemporaryDirectory(prefix="replicas-") as logs, ExitStack() as stack:
        cluster = Cluster(Path(logs), redis, asyncio.run(testing.create_database("replicas_core")),
                          asyncio.run(testing.create_database("replicas_integration")),
                          asyncio.run(testing.create_database("replicas_bot")), People(), flood_control)
        try:
            asyncio.run(_flush(redis))
            _databases(cluster)
            cluster.people = asyncio.run(_seed_core(cluster.core_db, residents))
            _start(cluster, stack)
            yield cluster
        except BaseException:
            print(cluster.tails(), file=sys.stderr, flush=True)
            raise
        finally:
            stop_all(list(cluster.processes.values()))
            for url in (cluster.core_db, cluster.integration_db, cluster.bot_db):
                asyncio.run(testing.drop_database(url))
            asyncio.run(_flush(redis))


# --- scenarios (the test asserts on them, the bench times them) ---------------------------------


def signed_webhook(event_id: str) -> tuple[bytes, dict[str, str]]:
    """A webhook body with this id and its HMAC-SHA256 signature header."""
    body = orjson.dumps({"id": event_id, "type": "replicas.ping", "data": {"id": event_id}})
    signature = hmac.new(HMAC_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Signature": f"sha256={signature}"}


async def deliver_webhooks(cluster: Cluster, ids: list[str]) -> dict[str, list[int]]:
    """Each webhook to one Integration API and, as a sender's retry would, again to the other, all
    at once; a 503 (retry later) is sent again up to four times, as senders do. Per id, the final
    status of each delivery."""
    path = f"/api/v1/webhooks/generic/{SOURCE}?tenant={TENANT}"
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=64)) as http:
        async def send(n: int, event_id: str, turn: int) -> int:
            body, headers = signed_webhook(event_id)
            api = cluster.integrations[(n + turn) % 2]
            for attempt in range(5):
                status = (await http.post(api + path, content=body, headers=headers)).status_code
                if status != 503:
                    break
                await asyncio.sleep(0.5 * (attempt + 1))
            return status

        statuses = await asyncio.gather(*(send(n, i, turn) for turn in (0, 1) for n, i in enumerate(ids)))
    answered: dict[str, list[int]] = {i: [] for i in ids}
    for (_, event_id), status in zip([(t, i) for t in (0, 1) for i in ids], statuses, strict=True):
        answered[event_id].append(status)
    return answered


def accepted(answered: dict[str, list[int]]) -> set[str]:
    """The ids at least one delivery of which was accepted (2xx)."""
    return {i for i, statuses in answered.items() if any(200 <= s < 300 for s in statuses)}


async def stream_events(redis: str, stream: str) -> list[dict[str, Any]]:
    """Every envelope on `stream`, oldest first."""
    client = Redis.from_url(redis)
    try:
        entries = await testing.stream_entries(client, stream)
    finally:
        await client.aclose()
    return [orjson.loads(fields[b"envelope"]) for _, fields in entries if b"envelope" in fields]


async def published_webhooks(redis: str, ids: list[str], seconds: float = 60) -> list[dict[str, Any]]:
    """The webhook envelopes on `stream:integration` once every one of `ids` is there (or after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        events = [e for e in await stream_events(redis, "stream:integration")
                  if e["event_type"].startswith(f"webhook.generic.{SOURCE}")]
        if len({e["event_id"] for e in events}) >= len(ids) or time.monotonic() > deadline:
            return events
        await asyncio.sleep(0.25)


async def signed_in(http: httpx.AsyncClient, telegram_id: int) -> str:
    """A Core access token for the user (the bot's service-token sign-in)."""
    answer = await http.post("/api/v1/auth/telegram", json={"telegram_id": telegram_id, "first_name": "R"},
                             headers={"Authorization": f"Bearer {CORE_TOKEN}"})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


async def file_requests(
    cluster: Cluster, per_resident: int, latencies: list[float] | None = None
) -> list[str]:
    """Every resident files `per_resident` requests at once through the Core proxy; their numbers
    (and each call's seconds appended to `latencies`)."""
    assert cluster.core_proxy is not None
    limits = httpx.Limits(max_connections=16)  # many at once, within the replicas' small pools
    async with httpx.AsyncClient(base_url=cluster.core_proxy.url, timeout=60, limits=limits,
                                 headers={"X-Tenant-ID": TENANT}) as http:
        tokens = await asyncio.gather(*(signed_in(http, r) for r in cluster.people.residents))

        async def file(token: str, n: int) -> str:
            started = time.perf_counter()
            body = {"building_id": cluster.people.building_id, "apartment": str(n % 400 + 1),
                    "category": "plumbing", "description": f"Течёт кран на кухне, заявка {n}"}
            for attempt in range(5):  # 503 is "nothing done, retry later" (PostgreSQL out of connections)
                answer = await http.post("/api/v1/requests", headers={"Authorization": f"Bearer {token}"},
                                         json=body)
                if answer.status_code != 503:
                    break
                await asyncio.sleep(0.5 * (attempt + 1))
            assert answer.status_code == 201, answer.text
            if latencies is not None:
                latencies.append(time.perf_counter() - started)
            return str(answer.json()["number"])

        jobs = [file(token, n * per_resident + k)
                for n, token in enumerate(tokens) for k in range(per_resident)]
        return list(await asyncio.gather(*jobs))


async def bot_texts(cluster: Cluster, chat_id: int) -> list[str]:
    """The texts (or captions) of every message the bots sent to `chat_id`, oldest first."""
    async with httpx.AsyncClient(base_url=cluster.emulator, timeout=30) as http:
        answer = await http.get(f"/control/bots/{BOT_TOKEN}/chats/{chat_id}/transcript")
        answer.raise_for_status()
    out = []
    for entry in answer.json()["messages"]:
        message = entry.get("message") or {}
        if entry["sender"] == "bot":
            out.append(str(message.get("text") or message.get("caption") or ""))
    return out


def named(number: str, text: str) -> bool:
    """Whether `text` names the request `number` (not merely a longer number starting with it)."""
    return re.search(rf"№{re.escape(number)}(?!\d)", text) is not None


async def mentions(cluster: Cluster, chats: tuple[int, ...], numbers: list[str], marker: str,
                   seconds: float = 60) -> dict[int, Counter[str]]:
    """Per chat, how many bot messages containing `marker` name each request number, once every
    chat has heard of every number (or after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        counts: dict[int, Counter[str]] = {}
        for chat in chats:
            texts = [t for t in await bot_texts(cluster, chat) if marker in t]
            counts[chat] = Counter(n for n in numbers for t in texts if named(n, t))
        if all(set(c) >= set(numbers) for c in counts.values()) or time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.5)


async def announce(cluster: Cluster, texts: dict[str, str], seconds: float = 120) -> dict[str, Any]:
    """A manager publishes an announcement to everyone through the Core proxy; Core's view once done
    (or after `seconds`)."""
    assert cluster.core_proxy is not None
    headers = {"X-Tenant-ID": TENANT}
    async with httpx.AsyncClient(base_url=cluster.core_proxy.url, timeout=30, headers=headers) as http:
        http.headers["Authorization"] = f"Bearer {await signed_in(http, cluster.people.managers[0])}"
        made = await http.post("/api/v1/announcements", json={"texts": texts, "audience": {"kind": "all"}})
        made.raise_for_status()
        deadline = time.monotonic() + seconds
        while True:
            answer = await http.get(f"/api/v1/announcements/{made.json()['id']}")
            answer.raise_for_status()
            if answer.json()["status"] == "done" or time.monotonic() > deadline:
                return dict(answer.json())
            await asyncio.sleep(0.25)


async def backdate(cluster: Cluster, numbers: list[str]) -> None:
    """Make the reaction clock of these requests run out a minute ago (as the clock would have)."""
    import asyncpg

    past = datetime.now(UTC) - timedelta(minutes=1)
    conn = await asyncpg.connect(cluster.core_db.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(
            "UPDATE requests SET reaction_due_at = $1, sla_alert_at = $1 WHERE number = ANY($2)",
            past, numbers)
    finally:
        await conn.close()
