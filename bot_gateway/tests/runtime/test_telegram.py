"""A button answer Telegram refuses as too old is logged and never stops the handler."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from harness import Chat, one_button, to_description

from bot_gateway.dependencies import runtime_of
from telegram_emulator.config import Settings as EmulatorSettings


@contextmanager
def recorded(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Capture every log record, also after the app's start-up put its own handler on the root."""
    root = logging.getLogger()
    root.addHandler(caplog.handler)
    try:
        yield
    finally:
        root.removeHandler(caplog.handler)


def failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What was logged as an error or an unhandled exception."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_presses_answered_too_late_still_do_their_work(
    make_user: Any, make_building: Any, run_bot: Any, emulator_settings: EmulatorSettings,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    await make_building()
    chat: Chat = await make_user()
    # Every answer comes after Telegram's window: each answerCallbackQuery is refused.
    monkeypatch.setattr(emulator_settings, "callback_answer_ttl_seconds", 0.0001)
    async with run_bot() as app:
        with recorded(caplog):
            await to_description(chat, "Навои")  # the building and category buttons
            mark = await chat.mark()
            await chat.send(chat.t("button.my_requests"))  # puts the new request aside
            aside = await chat.expect(chat.frag("draft.aside.new_request"), after=mark)
            mark = await chat.mark()
            await chat.press_text(aside, chat.t("btn.resume"))  # answered first, then resumes
            await chat.expect(chat.frag("nr.description.prompt"), after=mark)
            bot = runtime_of(app).bot
            old = await bot.send_message(chat.user_id, "old", reply_markup=one_button("gone:1"))
            mark = await chat.mark()
            await chat.press({"message_id": old.message_id}, "gone:1")  # the alert, said in the chat
            await chat.expect(chat.t("button.stale"), after=mark)
    callbacks = (await chat.transcript())["callbacks"]
    assert callbacks and not any(c.get("answer") for c in callbacks)
    refused = [r for r in caplog.records if r.getMessage() == "button answer refused as too old"]
    assert refused and all(r.levelno == logging.INFO for r in refused)
    assert failures(caplog) == []
