"""Helpers of the shift tests: shifts planned through Core's API, local days, a message as it is now."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from harness import Chat, text_of

ZONE = ZoneInfo("Asia/Tashkent")  # the tenant's zone, Core's default


def local_at(days: int, hour: int) -> datetime:
    """`hour`:00 local, `days` after today, in UTC."""
    day = datetime.now(UTC).astimezone(ZONE).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), ZONE).astimezone(UTC)


def now_plus(minutes: int) -> datetime:
    """Now, give or take `minutes`, whole minutes."""
    return datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=minutes)


async def core_id(staff: httpx.AsyncClient, chat: Chat) -> int:
    """The chat's user id in Core."""
    answer = await staff.get(f"/api/v1/users/by-telegram/{chat.user_id}")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


async def plan(
    staff: httpx.AsyncClient, chat: Chat, starts_at: datetime, ends_at: datetime,
    specialization: str = "plumbing",
) -> dict[str, Any]:
    """A shift a manager plans by hand for the chat's executor."""
    body = {"executor_id": await core_id(staff, chat), "specialization": specialization,
            "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}
    answer = await staff.post("/api/v1/shifts", json=body)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def as_now(chat: Chat, message_id: int) -> dict[str, Any]:
    """The bot's message `message_id` as the chat shows it now."""
    return next(m for m in await chat.bot_messages() if m["message_id"] == message_id)


async def until_shows(chat: Chat, message_id: int, fragment: str, timeout: float = 10.0) -> dict[str, Any]:
    """The message once it was edited to show `fragment`."""
    for _ in range(int(timeout / 0.05)):
        entry = await as_now(chat, message_id)
        if fragment in text_of(entry):
            return entry
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} never showed {fragment!r}: {text_of(entry)!r}")
