"""Helpers of the announcement tests: residents with apartments, composing through the chat."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import FastAPI
from harness import Chat, buttons, text_of
from sqlalchemy import select

from core_service.announcements.models import Announcement
from core_service.residency.models import Residency
from core_service.users.models import User
from shared.app import resources_of
from shared.db import session_scope


async def live_in(
    core_app: FastAPI,
    chat: Chat,
    building_id: int,
    *,
    apartment: int = 1,
    entrance: int | None = 1,
    status: str = "active",
) -> None:
    """Give the chat's user a residency (active unless told) in the building."""
    async for session in session_scope(resources_of(core_app).sessions):
        user = (await session.execute(select(User).where(User.telegram_id == chat.user_id))).scalar_one()
        session.add(
            Residency(
                tenant_id="default",
                user_id=user.id,
                building_id=building_id,
                apartment=apartment,
                entrance=entrance,
                status=status,
            )
        )


async def announcements(core_app: FastAPI) -> list[Announcement]:
    """Every announcement in Core."""
    async for session in session_scope(resources_of(core_app).sessions):
        return list((await session.execute(select(Announcement).order_by(Announcement.id))).scalars())
    return []


async def press_and_expect(chat: Chat, entry: dict[str, Any], label: str, key: str) -> dict[str, Any]:
    """Press the button labelled `label` on `entry`; the next bot message with `key`'s text."""
    mark = await chat.mark()
    await chat.press_text(entry, label)
    return await chat.expect(chat.frag(key), after=mark)


async def send_and_expect(chat: Chat, text: str, key: str) -> dict[str, Any]:
    """Send `text`; the next bot message with `key`'s text."""
    mark = await chat.mark()
    await chat.send(text)
    return await chat.expect(chat.frag(key), after=mark)


async def compose(
    manager: Chat,
    ru: str,
    uz: str | None = None,
    *,
    audience: str = "all",
    address: str = "",
    entrance: int = 1,
) -> dict[str, Any]:
    """Menu → texts → no photo → audience: the preview's summary message (with its buttons)."""
    await send_and_expect(manager, manager.t("button.announcement"), "ann.text_ru.prompt")
    ask_uz = await send_and_expect(manager, ru, "ann.text_uz.prompt")
    if uz is None:
        ask_photo = await press_and_expect(manager, ask_uz, manager.t("ann.skip"), "ann.photo.prompt")
    else:
        ask_photo = await send_and_expect(manager, uz, "ann.photo.prompt")
    choices = await press_and_expect(manager, ask_photo, manager.t("ann.skip"), "ann.audience.prompt")
    return await choose_audience(manager, choices, audience, address, entrance)


async def choose_audience(
    manager: Chat, choices: dict[str, Any], audience: str, address: str = "", entrance: int = 1
) -> dict[str, Any]:
    """Pick the audience on its message: the preview's summary message."""
    label = manager.t(f"ann.audience.{audience}")
    if audience == "all":
        return await press_and_expect(manager, choices, label, "ann.preview.title")
    if audience == "buildings":
        page = await press_and_expect(manager, choices, label, "ann.buildings.prompt")
        mark = await manager.mark()
        await manager.press_text(page, address)
        done = manager.tn("ann.buildings.done", 1)
        ticked = await wait_edited(manager, page, done)
        assert any(b["text"].startswith("✅") and address in b["text"] for b in buttons(ticked))
        await manager.press_text(ticked, done)
        return await manager.expect(manager.frag("ann.preview.title"), after=mark)
    page = await press_and_expect(manager, choices, label, "ann.entrance.building")
    ask = await press_and_expect(manager, page, address, "ann.entrance.prompt")
    assert ask
    return await send_and_expect(manager, str(entrance), "ann.preview.title")


async def wait_edited(
    chat: Chat, entry: dict[str, Any], fragment: str, timeout: float = 10.0
) -> dict[str, Any]:
    """The message `entry` once one of its buttons or its text shows `fragment`."""
    deadline = time.monotonic() + timeout
    while True:
        for message in await chat.bot_messages():
            if message["message_id"] == entry["message_id"] and (
                fragment in text_of(message) or any(fragment in b["text"] for b in buttons(message))
            ):
                return message
        if time.monotonic() > deadline:
            raise AssertionError(f"message {entry['message_id']} never showed {fragment!r}")
        await asyncio.sleep(0.05)


async def texts_received(chat: Chat, texts: list[str]) -> list[str]:
    """The bot's messages to `chat` that are one of `texts` (what an announcement delivered)."""
    return [text_of(m) for m in await chat.bot_messages() if text_of(m) in texts]


async def until(check: Any, timeout: float = 30.0) -> None:
    """Wait until `await check()` is true."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)
