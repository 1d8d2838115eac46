"""The whole life of a request, in Russian and in Uzbek: every role through the emulator, every
notification from Core's events (outbox → stream:core → the bot's consumer group)."""

from __future__ import annotations

from typing import Any

import pytest
from harness import Chat, buttons, file_until_summary, text_of
from sqlalchemy import select

from core_service.requests.models import RepairRequest
from shared.app import resources_of
from shared.db import session_scope


async def open_from_notice(chat: Chat, key: str, after: int = 0) -> dict[str, Any]:
    """Wait for a notification and open the request from its button; the card."""
    notice = await chat.expect(chat.frag(key), after=after)
    mark = await chat.mark()
    await chat.press_text(notice, chat.t("btn.open"))
    return await chat.expect("№", after=mark)


async def card_after(chat: Chat, entry: dict[str, Any], label_key: str) -> dict[str, Any]:
    """Press an action button; the next bot message."""
    mark = await chat.mark()
    await chat.press_text(entry, chat.t(label_key))
    return await chat.expect("", after=mark)


async def complete(executor: Chat, card: dict[str, Any], *, photo: bool) -> None:
    """Executor: complete → comment → (photo) → done → confirm."""
    prompt = await card_after(executor, card, "act.complete")
    assert executor.frag("complete.comment.prompt") in text_of(prompt)
    mark = await executor.mark()
    await executor.send("Заменил смеситель и прокладки")
    ask_photo = await executor.expect(executor.frag("complete.photo.prompt"), after=mark)
    if photo:
        mark = await executor.mark()
        await executor.photo()
        added = await executor.expect(executor.frag("complete.photo.added"), after=mark)
        await executor.press_text(added, executor.t("btn.done"))
    else:
        await executor.press_text(ask_photo, executor.t("btn.skip_photo"))
    confirm = await executor.expect(executor.frag("complete.confirm"), after=mark)
    await executor.press_text(confirm, executor.t("btn.confirm"))
    await executor.expect(executor.frag("complete.success"), after=mark)


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_request_from_filing_to_rating(
    language: str, make_user: Any, make_building: Any, run_bot: Any, core_app: Any
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    resident = await make_user("applicant", language, name="Resident")
    manager = await make_user("manager", language, name="Manager")
    executor = await make_user("executor", language, specializations=("plumbing",), name="Plumber")
    async with run_bot():
        # The resident files a request with a photo.
        summary = await file_until_summary(resident, "Навои", photo=True)
        await resident.press_text(summary, resident.t("btn.confirm"))
        await resident.expect(resident.frag("nr.created"))

        # The manager hears of it and assigns the plumber.
        card = await open_from_notice(manager, "notif.created")
        pick = await card_after(manager, card, "act.assign")
        assert manager.frag("assign.pick") in text_of(pick)
        mark = await manager.mark()
        await manager.press(pick, buttons(pick)[0]["callback_data"])
        confirm = await manager.expect(manager.frag("assign.confirm"), after=mark)
        await manager.press_text(confirm, manager.t("btn.confirm"))
        await manager.expect(manager.frag("assign.success"), after=mark)

        # The executor is told and completes it with a photo; the resident is told at each step.
        card = await open_from_notice(executor, "notif.assigned")
        await resident.expect(resident.t("status.in_progress"))
        await complete(executor, card, photo=True)
        card = await open_from_notice(resident, "notif.completed")
        proof = [m for m in await resident.bot_messages() if (m.get("message") or {}).get("photo")]
        assert len(proof) == 1  # the executor's photo came with the notice

        # The resident returns it once, with a reason; the executor hears why.
        prompt = await card_after(resident, card, "act.return")
        assert resident.frag("return.reason.prompt") in text_of(prompt)
        await resident.send("Всё ещё капает по ночам")
        await resident.expect(resident.frag("return.success"))
        notice = await executor.expect("Всё ещё капает по ночам")
        assert executor.frag("notif.returned") in text_of(notice)
        await manager.expect(manager.frag("notif.returned.manager"))

        # The executor resumes and completes again (no photo this time).
        mark = await executor.mark()
        await executor.press_text(notice, executor.t("btn.open"))
        card = await executor.expect("№", after=mark)
        card = await card_after(executor, card, "act.resume")
        card = await executor.expect(executor.t("status.in_progress"), after=card["message_id"] - 1)
        card = next(
            m
            for m in reversed(await executor.bot_messages())
            if any(executor.t("act.complete") in b["text"] for b in buttons(m))
        )
        mark = await resident.mark()
        await complete(executor, card, photo=False)

        # The resident accepts it with five stars; the executor hears the rating.
        card = await open_from_notice(resident, "notif.completed", after=mark)
        rating = await card_after(resident, card, "act.accept")
        await resident.press(rating, buttons(rating)[4]["callback_data"])
        await resident.expect(resident.frag("accept.success"))
        await executor.expect(executor.frag("notif.rated"))

    async for session in session_scope(resources_of(core_app).sessions):
        [request] = (await session.execute(select(RepairRequest))).scalars().all()
        assert request.status == "accepted" and request.rating == 5
        assert len(request.media) == 2  # the resident's photo and the executor's proof
