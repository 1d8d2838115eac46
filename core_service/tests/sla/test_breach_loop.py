"""The running app's breach scan (with its workers on) announces a passed due time by itself."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from core_service.events.models import OutboxEvent
from shared.db import session_scope


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"run_workers": True}


async def test_the_loop_announces_without_being_asked(people, file_request, set_sla, let_pass, sessionmaker,
                                                      core):
    await set_sla()
    number = (await file_request(people["applicant"]))["number"]
    await let_pass(number, 101)
    assert core.sla_breaches is not None and core.sla_breaches.running
    core.sla_breaches.wake()
    channel = OutboxEvent.channel == "core.request.sla_breached"
    for _ in range(600):
        async for session in session_scope(sessionmaker):
            found = await session.scalar(select(func.count()).select_from(OutboxEvent).where(channel))
        if found:
            break
        await asyncio.sleep(0.05)
    assert found == 1
