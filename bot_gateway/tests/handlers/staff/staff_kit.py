"""What the office's tests share: waiting for a card to change, a photo's file id in the emulator."""

from __future__ import annotations

import asyncio
from typing import Any

from harness import Chat, buttons, text_of


async def message(chat: Chat, message_id: int) -> dict[str, Any]:
    """The bot's message `message_id` as the chat shows it now."""
    return next(m for m in await chat.bot_messages() if m["message_id"] == message_id)


async def until_changed(chat: Chat, message_id: int, fragment: str, timeout: float = 10.0) -> dict[str, Any]:
    """The message once its text shows `fragment`."""
    for _ in range(int(timeout / 0.05)):
        entry = await message(chat, message_id)
        if fragment in text_of(entry):
            return entry
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} never showed {fragment!r}: {text_of(entry)!r}")


async def until_button(chat: Chat, message_id: int, label: str, timeout: float = 10.0) -> dict[str, Any]:
    """The message once one of its buttons reads `label`."""
    for _ in range(int(timeout / 0.05)):
        entry = await message(chat, message_id)
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


__all__ = ["labels", "message", "photo_file_id", "text_of", "until_button", "until_changed"]
