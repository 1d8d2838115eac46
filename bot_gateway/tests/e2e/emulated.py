"""The processes of an end-to-end run (emulator, Core, bot) and new people in the emulator."""

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
from harness import Chat

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


_ids = count(990_001)


async def new_chat(http: httpx.AsyncClient, language: str, first_name: str = "Malika") -> Chat:
    """A new Telegram user of the emulator (a fresh id each call), chatting in `language`."""
    user_id = next(_ids)
    made = await http.post("/control/users", json={"id": user_id, "first_name": first_name,
                                                    "language_code": language})
    assert made.status_code == 201, made.text
    return Chat(http, user_id, language)
