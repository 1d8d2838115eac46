"""End to end: the real bot process, the Telegram emulator and the real Core, polling and webhook."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from e2e.emulated import new_chat, run_bot

pytestmark = pytest.mark.timeout(400)  # three processes start (aiogram alone imports in seconds)


@pytest.fixture(params=["polling", "webhook"])
def bot(request: pytest.FixtureRequest, stack: dict[str, Any]) -> Iterator[str]:
    """The bot process, once in each mode."""
    yield from run_bot(stack, request.param)


async def test_start_language_and_cancel_work_end_to_end(bot: str, emulator: httpx.AsyncClient):
    chat = await new_chat(emulator, "ru")
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
    chat = await new_chat(emulator, "uz")
    menu = (await emulator.get(f"{chat.base}/commands")).json()
    assert [c["command"] for c in menu][:2] == ["start", "menu"]
    assert menu[1]["description"] == "Asosiy menyu"
