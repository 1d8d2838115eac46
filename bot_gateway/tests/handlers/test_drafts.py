"""A main-menu button in the middle of a flow puts the draft aside, says so, and gives it back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from harness import Chat, file_request, text_of, to_description


async def list_mid_flow(chat: Chat, aside_key: str) -> dict[str, Any]:
    """Press "My requests" mid-flow: the list comes, then the note about the draft put aside."""
    mark = await chat.mark()
    await chat.send(chat.t("button.my_requests"))
    await chat.expect(chat.frag("list.title.my"), after=mark)
    return await chat.expect(chat.frag(aside_key), after=mark)


@asynccontextmanager
async def new_request_put_aside(
    make_user: Any, make_building: Any, run_bot: Any, language: str
) -> AsyncIterator[tuple[Chat, dict[str, Any]]]:
    """A resident at the description step presses "My requests"; the chat and the note."""
    await make_building("Ташкент, ул. Навои, 1")
    chat = await make_user("applicant", language)
    async with run_bot():
        await to_description(chat, "Навои")
        yield chat, await list_mid_flow(chat, "draft.aside.new_request")


async def test_my_requests_mid_request_keeps_the_draft_and_its_button_continues_it(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    async with new_request_put_aside(make_user, make_building, run_bot, "uz") as (chat, note):
        mark = await chat.mark()
        await chat.press_text(note, chat.t("btn.resume"))
        await chat.expect(chat.frag("nr.description.prompt"), after=mark)
        await chat.send("Течёт кран на кухне, вода на полу")
        summary = await chat.expect(chat.frag("nr.confirm.summary"), after=mark)
        assert "Навои" in text_of(summary) and chat.t("category.plumbing") in text_of(summary)
        await chat.press_text(summary, chat.t("btn.confirm"))
        await chat.expect(chat.frag("nr.created"), after=mark)


async def test_cancel_after_the_draft_was_put_aside_drops_it_instead_of_nothing_to_cancel(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    async with new_request_put_aside(make_user, make_building, run_bot, "ru") as (chat, _):
        mark = await chat.mark()
        await chat.send("/cancel")
        await chat.expect(chat.t("draft.dropped"), after=mark)
        await chat.send("/resume")
        await chat.expect(chat.t("draft.none"), after=mark)
        await chat.send("/cancel")
        await chat.expect(chat.t("cancel.nothing"), after=mark)


async def test_a_comment_put_aside_comes_back_with_resume(
    make_user: Any, make_building: Any, run_bot: Any, core_client: Any
) -> None:
    building = await make_building()
    chat = await make_user("applicant", "ru")
    number = await file_request(await core_client(chat.user_id), building)
    async with run_bot():
        mark = await chat.mark()
        await chat.send(chat.t("button.my_requests"))
        listing = await chat.expect(chat.frag("list.title.my"), after=mark)
        await chat.press(listing, f"request:view:{number}")
        card = await chat.expect(number, after=mark)
        await chat.press_text(card, chat.t("act.comment"))
        await chat.expect(chat.frag("comment.prompt"), after=mark)
        note = await list_mid_flow(chat, "draft.aside.request")
        assert number in text_of(note)
        mark = await chat.mark()
        await chat.send("/resume")
        await chat.expect(chat.frag("comment.prompt"), after=mark)
        await chat.send("Дома буду после 18:00")
        await chat.expect(chat.frag("comment.done"), after=mark)
