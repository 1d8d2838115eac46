"""What the request-clock tests share: a tenant SLA of plain minutes."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

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


@pytest.fixture
def set_sla(client: httpx.AsyncClient, make_user: Any) -> SetSla:
    """`await set_sla(**changes)`: an admin gives the default tenant EVERY_MINUTE with `changes`."""

    async def put(**changes: Any) -> None:
        admin = await make_user("admin")
        body = {**copy.deepcopy(EVERY_MINUTE), **changes}
        answer = await client.put("/api/v1/sla", json=body, headers=admin.headers)
        assert answer.status_code == 200, answer.text

    return put

