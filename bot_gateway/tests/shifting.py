"""Helpers of the shift tests: shifts planned through Core's API, local days and times."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from harness import Chat

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
