"""End to end: the real bot process, the Telegram emulator and the real Core, polling and webhook."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from shared import testing
from shared.migrations import upgrade

pytest.importorskip("telegram_emulator")
core_app_module = pytest.importorskip("core_service.app")

pytestmark = pytest.mark.timeout(400)  # three processes start (aiogram alone imports in seconds)
BOT_TOKEN = "100000002:e2e-bot-token"
CORE_TOKEN = "e2e-core-token"
SECRET = "e2e-webhook-secret"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()  # never leave a half-started service behind
    proc.wait(10)
    raise AssertionError(f"nothing healthy on {port} (exit code {proc.returncode})")


def _start(module: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = Path(tempfile.gettempdir()) / f"bot-e2e-{module}.log"  # read it when a start-up fails
    with log.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", module], env={**os.environ, **env},  # noqa: S603
                                stdout=subprocess.DEVNULL, stderr=stderr)
    _wait_healthy(port, proc)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str, str]]:
    core_url = asyncio.run(testing.create_database("bot_e2e_core"))
    bot_url = asyncio.run(testing.create_database("bot_e2e"))
    upgrade(Path(core_app_module.__file__).parent / "migrations", core_url)
    upgrade(Path(__file__).resolve().parents[2] / "bot_gateway" / "migrations", bot_url)
    yield core_url, bot_url
    asyncio.run(testing.drop_database(core_url))
    asyncio.run(testing.drop_database(bot_url))


@pytest.fixture(scope="module")
def stack(databases: tuple[str, str]) -> Iterator[dict[str, Any]]:
    core_db, bot_db = databases
    emulator_port, core_port = _port(), _port()
    redis = testing.redis_url("bot")
    emulator = _start("telegram_emulator", emulator_port, {"EMULATOR_PORT": str(emulator_port),
                                                           "EMULATOR_REDIS_URL": redis})
    try:
        core = _start("core_service", core_port, {
            "CORE_PORT": str(core_port), "CORE_DATABASE_URL": core_db, "CORE_REDIS_URL": redis,
            "CORE_API_TOKENS": CORE_TOKEN, "CORE_JWT_SECRET": "e2e-jwt-secret-0123456789abcdef0123",
            "CORE_RUN_WORKERS": "false"})
    except BaseException:
        _stop(emulator)
        raise
    env = {"BOT_TELEGRAM_TOKEN": BOT_TOKEN, "BOT_TELEGRAM_API_URL": f"http://127.0.0.1:{emulator_port}",
           "BOT_DATABASE_URL": bot_db, "BOT_REDIS_URL": redis, "BOT_CORE_URL": f"http://127.0.0.1:{core_port}",
           "BOT_CORE_API_TOKEN": CORE_TOKEN, "BOT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
           "BOT_WEBHOOK_SECRET": SECRET, "BOT_POLLING_TIMEOUT_SECONDS": "1"}
    yield {"emulator": f"http://127.0.0.1:{emulator_port}", "env": env}
    _stop(core)
    _stop(emulator)


@pytest.fixture(params=["polling", "webhook"])
def bot(request: pytest.FixtureRequest, stack: dict[str, Any]) -> Iterator[str]:
    port = _port()
    env = {**stack["env"], "BOT_PORT": str(port), "BOT_MODE": request.param,
           "BOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook"}
    proc = _start("bot_gateway", port, env)
    yield request.param
    _stop(proc)


class Chat:
    """One emulator user talking to the bot through the control API."""

    def __init__(self, http: httpx.AsyncClient, user_id: int) -> None:
        self.http, self.user_id = http, user_id
        self.base = f"/control/bots/{BOT_TOKEN}/chats/{user_id}"

    async def say(self, text: str) -> dict[str, Any]:
        sent = await self.http.post(f"{self.base}/messages", json={"text": text})
        assert sent.status_code == 201, sent.text
        return await self.reply()

    async def press(self, message_id: int, data: str) -> dict[str, Any]:
        body = {"message_id": message_id, "data": data}
        pressed = await self.http.post(f"{self.base}/callbacks", json=body)
        assert pressed.status_code == 201, pressed.text
        return await self.reply(after=message_id)

    async def reply(self, after: int | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"timeout": 15}
        if after is not None:
            params["after_message_id"] = after
        answer = await self.http.get(f"{self.base}/wait", params=params, timeout=20)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


@pytest.fixture
async def emulator(stack: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack["emulator"], timeout=20) as http:
        yield http


_ids = iter(range(990_001, 999_999))


async def _user(http: httpx.AsyncClient, language: str) -> Chat:
    user_id = next(_ids)
    made = await http.post("/control/users", json={"id": user_id, "first_name": "Malika",
                                                    "language_code": language})
    assert made.status_code == 201, made.text
    return Chat(http, user_id)


async def test_start_language_and_cancel_work_end_to_end(bot: str, emulator: httpx.AsyncClient):
    chat = await _user(emulator, "ru")
    joining = await chat.say("/start")  # someone new is asked to bind their apartment first
    assert joining["message"]["text"].startswith("Здравствуйте! Чтобы подавать заявки")
    languages = await chat.reply(after=joining["message_id"])
    assert [b["callback_data"][:3] for b in languages["reply_markup"]["inline_keyboard"][0]] == ["ob:", "ob:"]
    left = await chat.say("/cancel")
    assert left["reply_markup"]["keyboard"][0][0]["text"] == "📝 Новая заявка"
    prompt = await chat.say("/language")
    buttons = prompt["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == ["lang:ru", "lang:uz"]
    changed = await chat.press(prompt["message_id"], "lang:uz")
    assert changed["message"]["text"].startswith("Til oʻzgartirildi")
    cancelled = await chat.say("/cancel")
    assert cancelled["message"]["text"] == "Hozir bekor qilinadigan amal yoʻq."


async def test_commands_menu_is_registered_per_language(bot: str, emulator: httpx.AsyncClient):
    chat = await _user(emulator, "uz")
    menu = (await emulator.get(f"{chat.base}/commands")).json()
    assert [c["command"] for c in menu][:2] == ["start", "menu"]
    assert menu[1]["description"] == "Asosiy menyu"
