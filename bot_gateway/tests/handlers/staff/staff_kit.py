"""What the office's tests share: waiting for a card's button, a photo's file id in the emulator."""

from __future__ import annotations

import asyncio
from typing import Any

from harness import Chat, buttons, text_of


async def until_button(chat: Chat, message_id: int, label: str, timeout: float = 10.0) -> dict[str, Any]:
    """The message once one of its buttons reads `label`."""
    for _ in range(int(timeout / 0.05)):
        entry = await chat.message(message_id)
        if label in labels(entry):
            return entry
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} never had a button {label!r}: {labels(entry)}")


async def photo_file_id(chat: Chat) -> str:
    """The user sends a photo; the file id Telegram gave it."""
    message_id = await chat.photo()
    entry = next(m for m in (await chat.transcript())["messages"] if m["message_id"] == message_id)
    return str(entry["message"]["photo"][-1]["file_id"])


def labels(entry: dict[str, Any]) -> list[str]:
    """The texts of a message's inline buttons."""
    return [b["text"] for b in buttons(entry)]


__all__ = ["labels", "photo_file_id", "text_of", "until_button"]
