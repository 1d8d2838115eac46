"""What the shift tests share: a crew of a manager and executors, shifts planned by hand, events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service.events.models import OutboxEvent
from shared.db import session_scope

Plan = Callable[..., Awaitable[dict[str, Any]]]
Events = Callable[[str], Awaitable[list[dict[str, Any]]]]


def minutes_from_now(minutes: float) -> datetime:
    """An instant `minutes` from now (negative: in the past), in UTC."""
    return datetime.now(UTC) + timedelta(minutes=minutes)


@pytest.fixture
async def crew(make_user: Any) -> dict[str, Any]:
    """A manager, two plumbers, an electrician and a resident of the default tenant."""
    return {
        "manager": await make_user("manager"),
        "plumber": await make_user("executor", specializations=("plumbing",)),
        "second_plumber": await make_user("executor", specializations=("plumbing", "heating")),
        "electrician": await make_user("executor", specializations=("electricity",)),
        "resident": await make_user(),
    }


@pytest.fixture
def plan(client: httpx.AsyncClient, crew: dict[str, Any]) -> Plan:
    """`await plan(executor, start_minutes, end_minutes, specialization)`: the manager plans a shift
    from `start_minutes` to `end_minutes` from now; the shift as answered."""

    async def add(executor: Any, start: float, end: float,
                  specialization: str = "plumbing") -> dict[str, Any]:
        body = {"executor_id": executor.id, "specialization": specialization,
                "starts_at": minutes_from_now(start).isoformat(),
                "ends_at": minutes_from_now(end).isoformat()}
        answer = await client.post("/api/v1/shifts", json=body, headers=crew["manager"].headers)
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    return add


@pytest.fixture
def events(sessionmaker: async_sessionmaker[AsyncSession]) -> Events:
    """`await events("core.shift.")`: the data of the outbox events on channels starting so, in order."""

    async def read(prefix: str) -> list[dict[str, Any]]:
        async for session in session_scope(sessionmaker):
            rows = (await session.execute(select(OutboxEvent).where(OutboxEvent.channel.startswith(prefix))
                                          .order_by(OutboxEvent.id))).scalars()
            return [{"channel": row.channel, **row.payload["data"]} for row in rows]
        raise AssertionError

    return read
