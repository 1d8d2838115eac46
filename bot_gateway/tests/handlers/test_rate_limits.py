"""The rate limit as a person meets it: a natural pace never hits it; a refusal is said in the chat."""

from __future__ import annotations

import asyncio
from typing import Any

from harness import Chat, file_until_summary, text_of

from bot_gateway.texts import STATUSES


async def tap(chat: Chat, entry: dict[str, Any], label: str, expect: str) -> dict[str, Any]:
    """Press the button labelled `label`; the bot's answer containing `expect` (a new message, or
    the pressed one edited)."""
    mark, before = await chat.mark(), text_of(entry)
    await chat.press_text(entry, label)
    for _ in range(300):
        for message in await chat.bot_messages():
            edited = message["message_id"] == entry["message_id"] and text_of(message) != before
            if (message["message_id"] > mark or edited) and expect in text_of(message):
                return message
        await asyncio.sleep(0.05)
    raise AssertionError(f"no answer with {expect!r} to {label!r}")


async def test_a_request_clicked_through_at_one_press_a_second_never_hits_a_limit(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    resident = await make_user("applicant", "ru")
    resident.pace = 1.0
    async with run_bot(rate_limit_enabled=True):  # the default limits
        # File it, changing the category once on the summary: 3 messages, 6 presses.
        summary = await file_until_summary(resident, "Навои")
        say, frag = resident.t, resident.frag
        choices = await tap(resident, summary, say("btn.edit"), say("nr.edit.prompt"))
        categories = await tap(resident, choices, say("btn.edit.category"), frag("nr.category.prompt"))
        summary = await tap(resident, categories, say("category.heating"), frag("nr.confirm.summary"))
        await tap(resident, summary, resident.t("btn.confirm"), resident.frag("nr.created"))
        # Look it up through every status filter, open it, read its history: 1 message, 12 presses.
        mark = await resident.mark()
        await resident.send(resident.t("button.my_requests"))
        listing = await resident.expect(resident.frag("list.title.my"), after=mark)
        for status in STATUSES:
            await resident.press(listing, f"list:my:{status}:1")
        await resident.press(listing, "list:my::1")
        await resident.expect("", after=mark)
        card = await tap(resident, listing, resident.t("category.heating"), "№")
        await tap(resident, card, resident.t("act.history"), resident.frag("req.history.title"))
        # Cancel it with a reason: 1 message, 2 presses.
        await tap(resident, card, resident.t("act.cancel"), resident.frag("cancel.reason.prompt"))
        mark = await resident.mark()
        await resident.send("Починили сами")
        confirm = await resident.expect(resident.frag("cancel.confirm"), after=mark)
        await tap(resident, confirm, resident.t("btn.confirm"), resident.frag("cancel.success"))
        warnings = [m for m in await resident.bot_messages() if "Слишком" in text_of(m)]
    assert warnings == []


async def test_a_refused_press_is_said_in_the_chat_in_the_users_language(
    make_user: Any, make_building: Any, run_bot: Any
) -> None:
    resident = await make_user("applicant", "uz")
    async with run_bot(rate_limit_enabled=True, rate_limit_callbacks_per_minute=2):
        mark = await resident.mark()
        await resident.send(resident.t("button.my_requests"))
        listing = await resident.expect(resident.frag("list.title.my"), after=mark)
        for _ in range(5):
            await resident.press(listing, "list:my::1")
        words = resident.tn("ratelimit.buttons", 60).split("60", 1)[1].strip()  # after the seconds
        warning = await resident.expect(words, after=mark)
        assert text_of(warning) in {resident.tn("ratelimit.buttons", n) for n in range(1, 61)}
        await resident.expect_answer(words)
        assert await resident.count(words) == 1
