"""The running app (workers on) flags a late shift by itself."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"run_workers": True}


async def test_the_loop_flags_a_late_shift_without_being_asked(crew, plan, events, core):
    late = await plan(crew["plumber"], -20, 120)
    assert core.shift_alerts is not None and core.shift_alerts.running
    core.shift_alerts.wake()
    for _ in range(600):  # up to 30 s: a stalled machine delays the loop, never the outcome
        found = await events("core.shift.late")
        if found:
            break
        await asyncio.sleep(0.05)
    assert [e["shift_id"] for e in found] == [late["id"]]
