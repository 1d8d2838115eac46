"""Live updates: a change a dispatcher (or the bot) makes in Core reaches every open page as a
server-sent event, through Core's outbox and `stream:core`."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from consoling import file_request, sign_in

from shared import testing


async def next_event(lines, kind: str = "request") -> dict[str, Any]:
    """The data of the next `event: <kind>` of an event stream."""
    wanted = False
    async for line in lines:
        if line == f"event: {kind}":
            wanted = True
        elif wanted and line.startswith("data: "):
            return json.loads(line.removeprefix("data: "))
    raise AssertionError("the stream ended")


async def test_a_change_in_core_reaches_an_open_board(run_console, core, make_person, make_building):
    manager, resident = await make_person("manager"), await make_person("resident")
    plumber = await make_person("executor", specializations=("plumbing",))
    building = await make_building()
    async with run_console() as app, testing.serve(app) as url, httpx.AsyncClient(base_url=url) as browser:
        await sign_in(browser, core, manager)
        async with browser.stream("GET", "/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            assert await anext(lines) == ": live"
            number = await file_request(core, resident, building)
            created = await asyncio.wait_for(next_event(lines), 10)
            assert created == {"number": number, "event": "request.created", "status": "new"}
            await core.post(f"/api/v1/requests/{number}/assign", json={"executor_id": plumber.id},
                            headers=manager.headers)
            assigned = await asyncio.wait_for(next_event(lines), 10)
            assert assigned["number"] == number and assigned["status"] == "in_progress"


async def test_the_events_need_a_session(browser):
    assert (await browser.get("/events")).headers["location"] == "/login"
