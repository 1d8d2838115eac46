"""What other suites' tests use the emulator with: a real server on a free local port, its chat page
opened and ready, a PNG to upload."""

from __future__ import annotations

import struct
import zlib
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


async def open_chat_page(page: Any, url: str) -> None:
    """Open the chat page in a Playwright `page` and wait until it has loaded its bots and users."""
    await page.goto(url)
    await page.wait_for_selector("body[data-ready]", state="attached")


def png(width: int = 4, height: int = 4) -> bytes:
    """A valid grey PNG of the given size (what sendPhoto accepts)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks
