"""The processes of an end-to-end run (emulator, Core, bot) and a person chatting through the emulator."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import count
from typing import Any

import httpx

BOT_TOKEN = "100000002:e2e-bot-token"
CORE_TOKEN = "e2e-core-token"
SECRET = "e2e-webhook-secret"
JWT_SECRET = "e2e-jwt-secret-0123456789abcdef0123"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
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


def start(module: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`python -m module` with `env` added, once its `/health` answers (its stderr in the temp dir)."""
    log = os.path.join(tempfile.gettempdir(), f"bot-e2e-{module}.log")  # read it when a start-up fails
    with open(log, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", module], env={**os.environ, **env},  # noqa: S603
                                stdout=subprocess.DEVNULL, stderr=stderr)
    _wait_healthy(port, proc)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate, and kill if it does not stop within 20 s."""
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_bot(stack: dict[str, Any], mode: str) -> Iterator[str]:
    """A bot process in `mode` (polling or webhook) for as long as the generator is held."""
    port = free_port()
    env = {**stack["env"], "BOT_PORT": str(port), "BOT_MODE": mode,
           "BOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook"}
    proc = start("bot_gateway", port, env)
    yield mode
    stop(proc)


class Chat:
    """One emulator user talking to the bot through the control API."""

    def __init__(self, http: httpx.AsyncClient, user_id: int) -> None:
        self.http, self.user_id = http, user_id
        self.base = f"/control/bots/{BOT_TOKEN}/chats/{user_id}"

    async def say(self, text: str) -> dict[str, Any]:
        """Send `text`; the bot's first answer."""
        sent = await self.http.post(f"{self.base}/messages", json={"text": text})
        assert sent.status_code == 201, sent.text
        return await self.reply()

    async def press(self, message_id: int, data: str) -> dict[str, Any]:
        """Press a button of a bot message; the bot's first message after it."""
        body = {"message_id": message_id, "data": data}
        pressed = await self.http.post(f"{self.base}/callbacks", json=body)
        assert pressed.status_code == 201, pressed.text
        return await self.reply(after=message_id)

    async def reply(self, after: int | None = None, timeout: float = 15) -> dict[str, Any]:
        """The first bot message after `after` (default: the user's latest message)."""
        params: dict[str, Any] = {"timeout": timeout}
        if after is not None:
            params["after_message_id"] = after
        answer = await self.http.get(f"{self.base}/wait", params=params, timeout=timeout + 5)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def bot_messages(self) -> list[dict[str, Any]]:
        """Every message the bot sent to this chat so far (edits applied)."""
        answer = await self.http.get(f"{self.base}/transcript")
        assert answer.status_code == 200, answer.text
        return [m for m in answer.json()["messages"] if m["sender"] == "bot"]


_ids = count(990_001)


async def new_chat(http: httpx.AsyncClient, language: str, first_name: str = "Malika") -> Chat:
    """A new Telegram user of the emulator (a fresh id each call)."""
    user_id = next(_ids)
    made = await http.post("/control/users", json={"id": user_id, "first_name": first_name,
                                                    "language_code": language})
    assert made.status_code == 201, made.text
    return Chat(http, user_id)
