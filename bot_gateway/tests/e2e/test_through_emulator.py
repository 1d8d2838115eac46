"""End to end: the real bot process, the Telegram emulator and the real Core, polling and webhook."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from e2e.emulated import new_chat, run_bot
from harness import buttons

pytestmark = pytest.mark.timeout(400)  # three processes start (aiogram alone imports in seconds)


@pytest.fixture(params=["polling", "webhook"])
def bot(request: pytest.FixtureRequest, stack: dict[str, Any]) -> Iterator[str]:
    """The bot process, once in each mode."""
    yield from run_bot(stack, request.param)


async def test_start_language_and_cancel_work_end_to_end(bot: str, emulator: httpx.AsyncClient):
    chat = await new_chat(emulator, "ru")
    await chat.send("/start")  # someone new is asked to bind their apartment first
    joining = await chat.expect("Здравствуйте! Чтобы подавать заявки")
    languages = await chat.expect("", after=joining["message_id"])
    assert [b["callback_data"][:3] for b in buttons(languages)] == ["ob:", "ob:"]
    mark = await chat.mark()
    await chat.send("/cancel")
    left = await chat.expect("", after=mark)
    assert left["reply_markup"]["keyboard"][0][0]["text"] == "📝 Новая заявка"
    await chat.send("/language")
    prompt = await chat.expect("", after=left["message_id"])
    assert [b["callback_data"] for b in buttons(prompt)] == ["lang:ru", "lang:uz"]
    await chat.press(prompt, "lang:uz")
    await chat.expect("Til oʻzgartirildi", after=prompt["message_id"])
    await chat.send("/cancel")
    await chat.expect("Hozir bekor qilinadigan amal yoʻq.", after=prompt["message_id"])


async def test_commands_menu_is_registered_per_language(bot: str, emulator: httpx.AsyncClient):
    chat = await new_chat(emulator, "uz")
    menu = (await emulator.get(f"{chat.base}/commands")).json()
    assert [c["command"] for c in menu][:2] == ["start", "menu"]
    assert menu[1]["description"] == "Asosiy menyu"
