"""Joining through the emulator against the real Core: language, phone, apartment, document photo,
summary; each wrong input is refused with what would fit and the step kept."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from harness import buttons
from residents_kit import (
    PDF,
    apply_until_summary,
    join_until_building,
    send_document,
    send_image_file,
    share_contact,
    text_of,
)
from sqlalchemy import select

from core_service.residency.models import Residency
from core_service.users.models import User
from shared.app import resources_of
from shared.db import session_scope


async def stored(core_app: Any, telegram_id: int) -> tuple[User, list[Residency]]:
    """The user as Core keeps them, and their residencies."""
    async for session in session_scope(resources_of(core_app).sessions):
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        assert user is not None
        rows = list(await session.scalars(select(Residency).where(Residency.user_id == user.id)))
        session.expunge_all()
        return user, rows
    raise AssertionError("no session")


@pytest.mark.parametrize(("language", "by_button"), [("ru", True), ("uz", False)])
async def test_someone_new_joins_and_waits_for_the_office(
    language: str,
    by_button: bool,
    approval: None,
    newcomer: Any,
    make_building: Any,
    run_bot: Any,
    core_app: Any,
) -> None:
    await make_building("Ташкент, ул. Навои, 1", apartments=120)
    chat = await newcomer("uz" if language == "ru" else "ru")  # the Telegram language is not the choice
    async with run_bot():
        await chat.send("/start")
        asked = chat.frag("ob.language.prompt")
        choice = await chat.expect(asked)
        chat.language = language
        await chat.press_text(choice, chat.t("language.name"))
        phone_prompt = await chat.expect(chat.frag("ob.phone.prompt"))
        [[share]] = phone_prompt["reply_markup"]["keyboard"]
        assert share["request_contact"] is True and share["text"] == chat.t("btn.share_phone")

        mark = await chat.mark()
        await chat.send("call me maybe")
        await chat.expect(chat.frag("ob.phone.invalid"), after=mark)
        await chat.send("+998 12 345")
        await chat.expect(chat.frag("ob.phone.invalid"), after=mark)
        if by_button:
            await share_contact(chat, "998901234567")
        else:
            await chat.send("90 123-45-67")
        await chat.expect(chat.frag("ob.phone.saved"), after=mark)
        listing = await chat.expect(chat.frag("nr.building.prompt"), after=mark)

        mark = await chat.mark()
        await chat.press_text(listing, "Навои")
        await chat.expect(chat.frag("ob.apartment.prompt"), after=mark)
        await chat.send("121")
        await chat.expect(chat.t("ob.apartment.invalid", last=120), after=mark)
        await chat.send("12")
        entrances = await chat.expect(chat.frag("ob.entrance.prompt"), after=mark)
        await chat.send("2")  # typed where a button is expected
        await chat.expect(chat.t("hint.entrance"), after=mark)
        await chat.press_text(entrances, "2")
        await chat.expect(chat.frag("ob.document.prompt"), after=mark)

        mark = await chat.mark()
        await send_document(chat, "lease.pdf", PDF, "application/pdf")
        await chat.expect(chat.frag("ob.document.not_image"), after=mark)
        await chat.send("here it is")
        await chat.expect(chat.t("hint.document"), after=mark)
        await chat.photo()
        summary = await chat.expect(chat.frag("ob.summary"), after=mark)
        assert "Навои" in text_of(summary) and chat.t("ob.summary.document") in text_of(summary)

        mark = await chat.mark()
        await chat.press_text(summary, chat.t("btn.confirm"))
        sent = await chat.expect(chat.frag("ob.sent"), after=mark)
        assert "Навои" in text_of(sent) and "keyboard" not in (sent.get("reply_markup") or {})

        mark = await chat.mark()
        await chat.send("hello?")  # writing again shows the application, not the steps
        status = await chat.expect(chat.t("residency.status.pending"), after=mark)
        assert chat.t("account.pending") in text_of(status)
        mark = await chat.mark()
        await chat.send("/start")
        await chat.expect(chat.t("residency.status.pending"), after=mark)
        assert await chat.count(asked) == 1

    user, [residency] = await stored(core_app, chat.user_id)
    assert user.status == "pending" and user.language == language and user.phone == "+998901234567"
    assert residency.status == "pending" and residency.apartment == 12 and residency.entrance == 2
    assert residency.document_file_id


async def test_with_approval_off_the_apartment_is_added_at_once_with_the_menu(
    newcomer: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    chat = await newcomer("ru")
    async with run_bot():
        await join_until_building(chat, "+7 916 123-45-67")
        mark = await chat.mark()
        await apply_until_summary(chat, "Навои")
        summary = await chat.expect(chat.frag("ob.summary"), after=mark)
        confirm = next(b["callback_data"] for b in buttons(summary) if chat.t("btn.confirm") in b["text"])
        await asyncio.gather(*(chat.press(summary, confirm) for _ in range(3)))  # a double tap sends once
        added = await chat.expect(chat.frag("ob.added"), after=mark)
        await asyncio.sleep(0.5)
        assert await chat.count(chat.frag("ob.added")) == 1 and not await chat.count(chat.t("ob.duplicate"))
        keyboard = [b["text"] for row in added["reply_markup"]["keyboard"] for b in row]
        assert chat.t("button.new_request") in keyboard and chat.t("button.my_addresses") in keyboard
    user, [residency] = await stored(core_app, chat.user_id)
    assert user.status == "active" and user.phone == "+79161234567" and residency.status == "active"


async def test_an_image_sent_as_a_file_is_taken_as_the_document(
    approval: None, newcomer: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    chat = await newcomer("ru")
    async with run_bot():
        await join_until_building(chat, "901234567")
        mark = await chat.mark()
        await chat.send("Навои")
        found = await chat.expect("Навои", after=mark)
        await chat.press_text(found, "Навои")
        await chat.send("7")
        entrances = await chat.expect(chat.frag("ob.entrance.prompt"), after=mark)
        await chat.press_text(entrances, "1")
        await chat.expect(chat.frag("ob.document.prompt"), after=mark)
        await send_image_file(chat)
        summary = await chat.expect(chat.frag("ob.summary"), after=mark)
        assert chat.t("ob.summary.document") in text_of(summary)
        await chat.press_text(summary, chat.t("btn.confirm"))
        await chat.expect(chat.frag("ob.sent"), after=mark)
    _, [residency] = await stored(core_app, chat.user_id)
    assert residency.document_file_id and residency.apartment == 7 and residency.entrance == 1


async def test_core_down_at_confirm_keeps_the_application_for_a_retry(
    approval: None, newcomer: Any, make_building: Any, run_bot: Any, core_app: Any, core_net: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    chat = await newcomer("uz")
    async with run_bot():
        await chat.send("/start")
        choice = await chat.expect(chat.frag("ob.language.prompt"))
        mark = await chat.mark()
        await chat.send("uzbek")  # text where a button is expected
        await chat.expect(chat.t("hint.language"), after=mark)
        await chat.press_text(choice, chat.t("language.name"))
        await chat.expect(chat.frag("ob.phone.prompt"), after=mark)
        await chat.send("+998 (90) 123 45 67")
        await chat.expect(chat.frag("nr.building.prompt"), after=mark)
        summary = await apply_until_summary(chat, "Навои")
        mark = await chat.mark()
        core_net.down = True
        await chat.press_text(summary, chat.t("btn.confirm"))
        await chat.expect_answer(chat.t("backend.unavailable"))
        core_net.down = False
        await chat.press_text(summary, chat.t("btn.confirm"))  # the same summary, still there
        await chat.expect(chat.frag("ob.sent"), after=mark)
    user, [residency] = await stored(core_app, chat.user_id)
    assert user.phone == "+998901234567" and residency.apartment == 12 and residency.status == "pending"
