"""What the request-clock tests share: a tenant SLA of plain minutes, and time made to have passed."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service.events.models import OutboxEvent
from core_service.sla.clock import COLUMNS
from shared.db import session_scope

# Every minute counts, so due times follow from the filing time alone.
EVERY_MINUTE: dict[str, Any] = {
    "timezone": "UTC",
    "working_hours": {},
    "holidays": [],
    "pause_statuses": ["clarification"],
    "policies": {
        urgency: {"reaction_minutes": reaction, "resolution_minutes": resolution, "business_hours": False}
        for urgency, reaction, resolution in (("critical", 30, 240), ("high", 60, 480),
                                              ("normal", 100, 1000), ("low", 480, 2880))
    },
}
SetSla = Callable[..., Awaitable[None]]
LetPass = Callable[[str, float], Awaitable[None]]
Announced = Callable[[str], Awaitable[list[dict[str, Any]]]]


@pytest.fixture
def set_sla(client: httpx.AsyncClient, make_user: Any) -> SetSla:
    """`await set_sla(**changes)`: an admin gives the default tenant EVERY_MINUTE with `changes`."""

    async def put(**changes: Any) -> None:
        admin = await make_user("admin")
        body = {**copy.deepcopy(EVERY_MINUTE), **changes}
        answer = await client.put("/api/v1/sla", json=body, headers=admin.headers)
        assert answer.status_code == 200, answer.text

    return put


@pytest.fixture
def let_pass(sessionmaker: async_sessionmaker[AsyncSession]) -> LetPass:
    """`await let_pass(number, minutes)`: as if `minutes` had passed for the request, every instant it
    holds (its clocks, filing, last change and completion) moves that much earlier."""
    instants = (*COLUMNS, "created_at", "updated_at", "completed_at")
    moved = ", ".join(f"{column} = {column} - make_interval(secs => :seconds)" for column in instants)

    async def shift(number: str, minutes: float) -> None:
        async for session in session_scope(sessionmaker):
            await session.execute(text(f"UPDATE requests SET {moved} WHERE number = :number"),  # noqa: S608
                                  {"seconds": minutes * 60, "number": number})

    return shift


@pytest.fixture
def announced(sessionmaker: async_sessionmaker[AsyncSession]) -> Announced:
    """`await announced(kind)`: the `data` of each `core.request.<kind>` event in the outbox, oldest first."""

    async def read(kind: str) -> list[dict[str, Any]]:
        async for session in session_scope(sessionmaker):
            channel = OutboxEvent.channel == f"core.request.{kind}"
            rows = await session.execute(select(OutboxEvent).where(channel).order_by(OutboxEvent.id))
            return [row.payload["data"] for row in rows.scalars()]
        raise AssertionError

    return read
