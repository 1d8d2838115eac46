"""Run a real emulator server inside a test (uvicorn on a free local port)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from shared.testing import serve
from telegram_emulator.app import create_app
from telegram_emulator.config import Settings


@asynccontextmanager
async def running_emulator(**overrides: Any) -> AsyncIterator[str]:
    """`async with running_emulator() as url:` a fresh emulator; settings overrides as kwargs."""
    settings = Settings(**{"log_json": False, **overrides})
    async with serve(create_app(settings)) as url:
        yield url
