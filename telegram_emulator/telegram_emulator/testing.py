"""Run a real emulator server inside a test (uvicorn on a free local port)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

from telegram_emulator.app import create_app
from telegram_emulator.settings import EmulatorSettings


@asynccontextmanager
async def running_emulator(**overrides: Any) -> AsyncIterator[str]:
    """`async with running_emulator() as url:` a fresh emulator; settings overrides as kwargs."""
    settings = EmulatorSettings(**{"log_json": False, **overrides})
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_config=None,
                            lifespan="on", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # start-up failed: raise its error
            raise RuntimeError("the emulator server stopped during start-up")
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
