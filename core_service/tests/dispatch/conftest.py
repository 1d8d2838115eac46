"""What the dispatch tests share: a tenant that plans shifts, a shift covering now, the switch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

OnShift = Callable[..., Awaitable[None]]
Switch = Callable[[bool], Awaitable[None]]


@pytest.fixture
async def uses_shifts(client: httpx.AsyncClient, people: dict[str, Any]) -> None:
    """The tenant plans shifts: a template (of the electrician's trade, so no plumber is planned)."""
    answer = await client.post("/api/v1/shifts/templates", headers=people["manager"].headers, json={
        "kind": "weekly", "specialization": "electricity", "weekdays": ["mon"], "start": "09:00",
        "end": "10:00", "executor_ids": [people["electrician"].id]})
    assert answer.status_code == 201, answer.text


@pytest.fixture
def on_shift(client: httpx.AsyncClient, people: dict[str, Any]) -> OnShift:
    """`await on_shift(executor, start=-60, end=60)`: the manager plans them a plumbing shift from
    `start` to `end` minutes from now."""

    async def plan(executor: Any, start: float = -60, end: float = 60) -> None:
        now = datetime.now(UTC)
        answer = await client.post("/api/v1/shifts", headers=people["manager"].headers, json={
            "executor_id": executor.id, "specialization": "plumbing",
            "starts_at": (now + timedelta(minutes=start)).isoformat(),
            "ends_at": (now + timedelta(minutes=end)).isoformat()})
        assert answer.status_code == 201, answer.text

    return plan


@pytest.fixture
def auto_assign(client: httpx.AsyncClient, make_user: Any) -> Switch:
    """`await auto_assign(True)`: an admin turns automatic assignment on (or off) for the tenant."""

    async def switch(on: bool) -> None:
        admin = await make_user("admin")
        answer = await client.put("/api/v1/dispatch", json={"auto_assign": on}, headers=admin.headers)
        assert answer.status_code == 200, answer.text

    return switch
