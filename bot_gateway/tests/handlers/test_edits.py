"""Edited messages: an edit of the last text a flow took replaces it (and says so), a refused one
keeps the earlier text; any other edit is answered with why it is not read."""

from __future__ import annotations

from typing import Any

from harness import Chat, file_request, one_button, to_description
from sqlalchemy import select

from bot_gateway.dependencies import runtime_of
from core_service.requests.models import RepairRequest, RequestHistory
from shared.app import resources_of
from shared.db import session_scope


async def in_core(core_app: Any) -> tuple[RepairRequest, list[RequestHistory]]:
    """The one request in Core and its history."""
    async for session in session_scope(resources_of(core_app).sessions):
        request = (await session.scalars(select(RepairRequest))).one()
        history = list(await session.scalars(select(RequestHistory)))
        session.expunge_all()
        return request, history
    raise AssertionError("no database session")


async def test_a_corrected_description_replaces_the_one_in_the_summary(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building()
    chat: Chat = await make_user()
    async with run_bot():
        await to_description(chat, "Навои")
        mark = await chat.mark()
        sent = await chat.send("Течёт кран на кухне, вода на полу")
        summary = await chat.expect(chat.frag("nr.confirm.summary"), after=mark)
        mark = await chat.mark()
        await chat.edit(sent, "кран")  # too short: refused, the earlier description stays
        await chat.expect(chat.t("edit.reread"), after=mark)
        await chat.expect(chat.frag("nr.description.too_short"), after=mark)
        await chat.expect(chat.t("edit.kept"), after=mark)
        mark = await chat.mark()
        await chat.edit(sent, "Течёт кран в ванной, вода на полу")
        await chat.expect(chat.t("edit.reread"), after=mark)
        fixed = await chat.expect("в ванной", after=mark)
        assert chat.frag("nr.confirm.summary") in str(fixed["message"]["text"])
        mark = await chat.mark()
        await chat.press_text(summary, chat.t("btn.confirm"))
        await chat.expect(chat.frag("nr.created"), after=mark)
    request, _ = await in_core(core_app)
    assert request.description == "Течёт кран в ванной, вода на полу"


async def test_a_corrected_cancellation_reason_is_the_one_confirmed(
    make_user: Any, make_building: Any, run_bot: Any, core_app: Any, core_client: Any
) -> None:
    building = await make_building()
    chat: Chat = await make_user()
    number = await file_request(await core_client(chat.user_id), building)
    async with run_bot() as app:
        button = one_button(f"request:cancel:{number}")
        card = await runtime_of(app).bot.send_message(chat.user_id, "card", reply_markup=button)
        await chat.press({"message_id": card.message_id}, f"request:cancel:{number}")
        await chat.expect(chat.frag("cancel.reason.prompt"))
        mark = await chat.mark()
        sent = await chat.send("Передумал")
        await chat.expect(chat.frag("cancel.confirm"), after=mark)
        mark = await chat.mark()
        await chat.edit(sent, "Сосед уже починил")
        confirm = await chat.expect("Сосед уже починил", after=mark)
        await chat.press_text(confirm, chat.t("btn.confirm"))
        await chat.expect(chat.frag("cancel.success"), after=mark)
    request, history = await in_core(core_app)
    assert request.status == "cancelled"
    assert [h.comment for h in history if h.new_status == "cancelled"] == ["Сосед уже починил"]


async def test_other_edits_are_answered_with_why_they_are_not_read(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    await make_building()
    chat: Chat = await make_user("applicant", "uz")
    async with run_bot():
        mark = await chat.mark()
        hello = await chat.send("salom")
        await chat.expect(chat.t("unknown.message"), after=mark)
        await chat.edit(hello, "salom!")
        await chat.expect(chat.t("edit.not_read"), after=mark)
        await to_description(chat, "Навои")
        mark = await chat.mark()
        await chat.edit(hello, "assalomu alaykum")  # not the flow's last text
        await chat.expect(chat.t("edit.not_last"), after=mark)
        mark = await chat.mark()
        await chat.send("Oshxonada kran oqyapti, polda suv")
        await chat.expect(chat.frag("nr.confirm.summary"), after=mark)


async def test_a_search_is_read_again_only_while_its_step_runs(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    await make_building()
    await make_building("Ташкент, ул. Бабура, 5")
    chat: Chat = await make_user()
    async with run_bot():
        await chat.send(chat.t("button.new_request"))
        await chat.expect(chat.frag("nr.building.prompt"))
        mark = await chat.mark()
        search = await chat.send("Навои")
        await chat.expect("Навои", after=mark)
        mark = await chat.mark()
        await chat.edit(search, "Бабура")  # the building step still runs: searched again
        await chat.expect(chat.t("edit.reread"), after=mark)
        found = await chat.expect("Бабура", after=mark)
        await chat.press_text(found, "Бабура")
        await chat.expect(chat.frag("nr.apartment.prompt").split("(")[0].strip(), after=mark)
        mark = await chat.mark()
        await chat.edit(search, "Навои")  # the building was picked since: the search entered nothing
        await chat.expect(chat.t("edit.not_read"), after=mark)
        await chat.send("12")
        await chat.expect(chat.frag("nr.category.prompt"), after=mark)
