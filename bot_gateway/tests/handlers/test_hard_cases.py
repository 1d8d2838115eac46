"""The hard cases of the flows, through the emulator with the real Core Service."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Update
from harness import Chat, buttons, file_until_summary, pick_urgency, text_of
from sqlalchemy import func, select, update

from bot_gateway.dependencies import runtime_of
from bot_gateway.i18n import t
from bot_gateway.keyboards.models import InlineKeyboardCache
from core_service.requests.models import RepairRequest
from shared.app import resources_of
from shared.db import session_scope


async def to_apartment(chat: Chat, address: str = "Навои") -> None:
    await chat.send(chat.t("button.new_request"))
    listing = await chat.expect(chat.frag("nr.building.prompt"))
    mark = await chat.mark()
    await chat.press_text(listing, address)
    await chat.expect(chat.frag("nr.apartment.prompt").split("(")[0].strip() or "12", after=mark)


async def request_count(core_app: Any) -> int:
    async for session in session_scope(resources_of(core_app).sessions):
        return int(await session.scalar(select(func.count()).select_from(RepairRequest)) or 0)
    return 0


async def test_unexpected_input_gets_the_steps_hint(make_user: Any, make_building: Any, run_bot: Any) -> None:
    await make_building()
    chat = await make_user()
    async with run_bot():
        await chat.send(chat.t("button.new_request"))
        listing = await chat.expect(chat.frag("nr.building.prompt"))
        await chat.location()
        await chat.expect(chat.t("hint.building"))
        await chat.press_text(listing, "Навои")
        mark = await chat.mark()
        await chat.send("квартира двенадцать")
        await chat.expect(chat.frag("nr.apartment.invalid"), after=mark)
        await chat.send("73")  # the building has 72 apartments
        await chat.expect(chat.frag("nr.apartment.invalid"), after=await chat.mark() - 1)
        await chat.send("72")
        await chat.expect(chat.frag("nr.category.prompt"))
        mark = await chat.mark()
        await chat.send("сантехника")
        await chat.expect(chat.t("hint.category"), after=mark)


async def test_cancel_works_in_the_middle_of_a_flow(make_user: Any, make_building: Any, run_bot: Any) -> None:
    await make_building()
    chat = await make_user()
    async with run_bot():
        await to_apartment(chat)
        await chat.send("/cancel")
        await chat.expect(chat.t("cancel.done"))
        mark = await chat.mark()
        await chat.send("12")
        await chat.expect(chat.t("unknown.message"), after=mark)


async def test_description_over_the_limit_is_refused_with_the_limit(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    await make_building()
    chat = await make_user("applicant", "uz")
    async with run_bot():
        await to_apartment(chat)
        mark = await chat.mark()
        await chat.send("5")
        categories = await chat.expect(chat.frag("nr.category.prompt"), after=mark)
        await chat.press_text(categories, chat.t("category.elevator"))
        await pick_urgency(chat, "high", after=mark)
        await chat.expect(chat.frag("nr.description.prompt"))
        mark = await chat.mark()
        await chat.send("я" * 4096)
        refusal = await chat.expect(chat.frag("nr.description.too_long"), after=mark)
        assert "4000" in text_of(refusal) and "4096" in text_of(refusal)
        await chat.send("коротко")
        await chat.expect(chat.frag("nr.description.too_short"), after=mark)


async def test_a_restart_in_the_middle_of_a_flow_resumes_it(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    await make_building()
    chat = await make_user()
    async with run_bot():
        await to_apartment(chat)
    async with run_bot():  # a new process: the FSM state comes back from Redis
        mark = await chat.mark()
        await chat.send("12")
        await chat.expect(chat.frag("nr.category.prompt"), after=mark)


async def test_backend_down_gets_an_apology_and_keeps_the_state(
    make_user: Any, make_building: Any, run_bot: Any, core_net: Any, core_app: Any
) -> None:
    await make_building()
    chat = await make_user()
    async with run_bot():
        summary = await file_until_summary(chat, "Навои")
        core_net.down = True
        await chat.press_text(summary, chat.t("btn.confirm"))
        await chat.expect_answer(chat.t("backend.unavailable")[:40])
        assert await request_count(core_app) == 0
        core_net.down = False
        await chat.press_text(summary, chat.t("btn.confirm"))
        await chat.expect(chat.frag("nr.created"))
    assert await request_count(core_app) == 1


async def test_language_change_mid_flow_shows_the_next_step_in_the_new_language(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    await make_building()
    chat = await make_user("applicant", "ru")
    async with run_bot():
        await to_apartment(chat)
        await chat.send("/language")
        choice = await chat.expect(t("language.prompt", "ru"))
        await chat.press(choice, "lang:uz")
        await chat.expect(t("language.changed", "uz", language=t("language.name", "uz")).split(":")[0])
        mark = await chat.mark()
        await chat.send("12")
        await chat.expect(t("nr.category.prompt", "uz"), after=mark)


async def test_edited_messages_and_unknown_buttons_do_not_crash(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    await make_building()
    chat = await make_user()
    async with run_bot() as app:
        runtime = runtime_of(app)
        await to_apartment(chat)
        user = {"id": chat.user_id, "is_bot": False, "first_name": "Test", "language_code": "ru"}
        edited = Update.model_validate(
            {
                "update_id": 900_001,
                "edited_message": {
                    "message_id": 1,
                    "date": 1,
                    "edit_date": 2,
                    "text": "15",
                    "from": user,
                    "chat": {"id": chat.user_id, "type": "private"},
                },
            },
            context={"bot": runtime.bot},
        )
        await runtime.dp.feed_update(runtime.bot, edited)
        odd = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="old", callback_data="request:bogus:1"),
                    InlineKeyboardButton(text="alien", callback_data="zzz:1"),
                ]
            ]
        )
        sent = await runtime.bot.send_message(chat.user_id, "old buttons", reply_markup=odd)
        entry = {"message_id": sent.message_id}
        await chat.press(entry, "request:bogus:1")
        await chat.press(entry, "zzz:1")
        await asyncio.sleep(1.0)
        answers = [
            c["answer"] for c in (await chat.transcript())["callbacks"] if c["message_id"] == sent.message_id
        ]
        assert [a and a.get("text") for a in answers] == [t("button.stale", "ru")] * 2
        mark = await chat.mark()
        await chat.send("12")  # the flow is still fine
        await chat.expect(chat.frag("nr.category.prompt"), after=mark)


async def test_buttons_of_a_finished_flow_are_out_of_date(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    await make_building()
    chat = await make_user()
    async with run_bot():
        await chat.send(chat.t("button.new_request"))
        listing = await chat.expect(chat.frag("nr.building.prompt"))
        await chat.send("/cancel")
        await chat.expect(chat.t("cancel.done"))
        await chat.press_text(listing, "Навои")
        await chat.expect_answer(chat.t("button.stale"))


async def test_long_search_pages_go_through_the_keyboard_cache(
    make_user: Any, make_building: Any, run_bot: Any, database_url: str
) -> None:
    query = "Мирзо-Улугбекский район, массив Буюк Ипак Йули"
    for number in range(1, 9):
        await make_building(f"{query}, дом {number}")
    chat = await make_user()
    async with run_bot() as app:
        await chat.send(chat.t("button.new_request"))
        await chat.expect(chat.frag("nr.building.prompt"))
        mark = await chat.mark()
        await chat.send(query)
        found = await chat.expect(chat.frag("nr.building.found"), after=mark)
        assert "8" in text_of(found)
        [forward] = [b for b in buttons(found) if b["text"] == chat.t("btn.next")]
        assert forward["callback_data"].startswith("k:") and len(forward["callback_data"].encode()) <= 64
        await chat.press(found, forward["callback_data"])
        for _ in range(300):
            entry = next(m for m in await chat.bot_messages() if m["message_id"] == found["message_id"])
            if "дом 7" in str(buttons(entry)):
                break
            await asyncio.sleep(0.05)
        assert "дом 7" in str(buttons(entry)) and "дом 1" not in str(buttons(entry))
        [back] = [b for b in buttons(entry) if b["text"] == chat.t("btn.prev")]
        async with resources_of(app).sessions() as db, db.begin():
            await db.execute(update(InlineKeyboardCache).values(expires_at=datetime(2000, 1, 1, tzinfo=UTC)))
        await chat.press(entry, back["callback_data"])
        await chat.expect_answer(chat.t("button.stale"))


async def test_a_photo_with_no_flow_offers_to_file_a_request(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building()
    chat = await make_user()
    async with run_bot():
        await chat.photo("В подъезде перегорела лампочка на третьем этаже")
        offer = await chat.expect(chat.t("nr.photo_offer"))
        mark = await chat.mark()
        await chat.press_text(offer, chat.t("btn.yes_new_request"))
        listing = await chat.expect(chat.frag("nr.building.prompt"), after=mark)
        await chat.press_text(listing, "Навои")
        await chat.expect(chat.frag("nr.apartment.prompt"), after=mark)  # typed only once it is asked
        await chat.send("3")
        categories = await chat.expect(chat.frag("nr.category.prompt"))
        mark = await chat.mark()
        await chat.press_text(categories, chat.t("category.electricity"))
        await pick_urgency(chat, after=mark)
        summary = await chat.expect(chat.frag("nr.confirm.summary"), after=mark)
        assert "перегорела лампочка" in text_of(summary)
        await chat.press_text(summary, chat.t("btn.confirm"))
        await chat.expect(chat.frag("nr.created"))
    async for session in session_scope(resources_of(core_app).sessions):
        [request] = (await session.execute(select(RepairRequest))).scalars().all()
        assert request.category == "electricity" and len(request.media) == 1
