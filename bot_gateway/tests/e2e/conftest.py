"""An end-to-end stack per test module: the Telegram emulator, the real Core (with its loops and
outbox relay) and the real bot process, on fresh databases and the suite's Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from e2e.emulated import CORE_TOKEN, JWT_SECRET, SECRET, free_port, start, stop
from harness import BOT_TOKEN

from shared import testing
from shared.migrations import upgrade

pytest.importorskip("telegram_emulator")
core_app_module = pytest.importorskip("core_service.app")


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str, str]]:
    """Fresh Core and bot databases, migrated."""
    core_url = asyncio.run(testing.create_database("bot_e2e_core"))
    bot_url = asyncio.run(testing.create_database("bot_e2e"))
    upgrade(Path(core_app_module.__file__).parent / "migrations", core_url)
    upgrade(Path(__file__).resolve().parents[2] / "bot_gateway" / "migrations", bot_url)
    yield core_url, bot_url
    asyncio.run(testing.drop_database(core_url))
    asyncio.run(testing.drop_database(bot_url))


@pytest.fixture(scope="module")
def stack(databases: tuple[str, str]) -> Iterator[dict[str, Any]]:
    """The emulator and Core running; `env` is what a bot process needs, `core_env` Core's own."""
    core_db, bot_db = databases
    emulator_port, core_port = free_port(), free_port()
    redis = testing.redis_url("bot")
    emulator = start("telegram_emulator", emulator_port, {"EMULATOR_PORT": str(emulator_port),
                                                          "EMULATOR_REDIS_URL": redis})
    core_env = {"CORE_PORT": str(core_port), "CORE_DATABASE_URL": core_db, "CORE_REDIS_URL": redis,
                "CORE_API_TOKENS": CORE_TOKEN, "CORE_JWT_SECRET": JWT_SECRET}
    try:
        core = start("core_service", core_port, core_env)
    except BaseException:
        stop(emulator)
        raise
    env = {"BOT_TELEGRAM_TOKEN": BOT_TOKEN, "BOT_TELEGRAM_API_URL": f"http://127.0.0.1:{emulator_port}",
           "BOT_DATABASE_URL": bot_db, "BOT_REDIS_URL": redis, "BOT_CORE_URL": f"http://127.0.0.1:{core_port}",
           "BOT_CORE_API_TOKEN": CORE_TOKEN, "BOT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
           "BOT_WEBHOOK_SECRET": SECRET, "BOT_POLLING_TIMEOUT_SECONDS": "1"}
    yield {"emulator": f"http://127.0.0.1:{emulator_port}", "core": f"http://127.0.0.1:{core_port}",
           "env": env, "core_env": core_env}
    stop(core)
    stop(emulator)


@pytest.fixture
async def emulator(stack: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    """The emulator's control API."""
    async with httpx.AsyncClient(base_url=stack["emulator"], timeout=20) as http:
        yield http
