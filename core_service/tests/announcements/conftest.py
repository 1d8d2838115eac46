"""Announcement fixtures: buildings with residents of either language, and staff to announce."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service.buildings import service as buildings
from core_service.buildings.schemas import BuildingIn
from core_service.events.models import OutboxEvent
from core_service.residency.models import Residency
from core_service.users.models import User
from shared.db import session_scope

Settle = Callable[..., Awaitable[int]]


@pytest.fixture
async def towers(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
    """Two buildings of the default tenant (3 and 2 entrances); their ids."""
    ids = []
    async for session in session_scope(sessionmaker):
        for address, entrances in (("Ташкент, Юнусабад, 4-квартал, 12", 3), ("Ташкент, Чиланзар, 9", 2)):
            body = BuildingIn(address=address, entrances=entrances, floors=9, apartments=100)
            ids.append((await buildings.create(session, "default", body)).id)
    return ids


@pytest.fixture
def settle(make_user: Any, sessionmaker: async_sessionmaker[AsyncSession]) -> Settle:
    """A resident living at (building, apartment, entrance): a new user (`ru`, active unless told), or
    another home of `user_id`; their id."""

    async def make(building: int, apartment: int = 1, entrance: int | None = 1, *,
                   language: str | None = None, residency: str = "active", status: str | None = None,
                   user_id: int | None = None) -> int:
        if user_id is None:
            user_id = (await make_user()).id
        async for session in session_scope(sessionmaker):
            user = await session.get(User, user_id)
            assert user is not None
            user.language = language or user.language
            user.status = status or user.status
            session.add(Residency(tenant_id=user.tenant_id, user_id=user_id, building_id=building,
                                  apartment=apartment, entrance=entrance, status=residency))
        return user_id

    return make


async def announce(client: httpx.AsyncClient, headers: dict[str, str], audience: dict[str, Any],
                   **fields: Any) -> httpx.Response:
    """POST an announcement (a Russian text unless `texts` is given)."""
    body = {"texts": {"ru": "Завтра с 10:00 до 14:00 не будет воды"}, "audience": audience, **fields}
    return await client.post("/api/v1/announcements", json=body, headers=headers)


async def events_of(sessionmaker: async_sessionmaker[AsyncSession], channel: str) -> list[dict[str, Any]]:
    """The data of every outbox event on `channel`, oldest first."""
    async for session in session_scope(sessionmaker):
        query = select(OutboxEvent.payload).where(OutboxEvent.channel == channel).order_by(OutboxEvent.id)
        return [payload["data"] for payload in (await session.execute(query)).scalars()]
    raise AssertionError
