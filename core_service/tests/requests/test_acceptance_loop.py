"""The running app (workers on) follows completed work up by itself, after CORE_AUTO_ACCEPT_DAYS."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from shared.db import session_scope


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"run_workers": True, "auto_accept_days": 2}


async def test_the_loop_accepts_after_the_configured_days(client, people, file_request, drive, sessionmaker,
                                                          core):
    number = (await file_request(people["applicant"]))["number"]
    await drive(client, number, "completed", people)
    async for session in session_scope(sessionmaker):  # two days and an hour have passed
        await session.execute(text("UPDATE requests SET completed_at = completed_at - interval '49 hours',"
                                   " acceptance_due_at = acceptance_due_at - interval '49 hours'"))
    assert core.acceptance is not None and core.acceptance.running
    core.acceptance.wake()
    for _ in range(600):
        shown = (await client.get(f"/api/v1/requests/{number}", headers=people["manager"].headers)).json()
        if shown["status"] == "accepted":
            break
        await asyncio.sleep(0.05)
    assert shown["status"] == "accepted"
