"""Managers hear of a shift not started 15 minutes after its time, and of tomorrow's hours with
nobody planned, each once even with scans side by side."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core_service.shifts import alerts

TASHKENT = ZoneInfo("Asia/Tashkent")
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def tomorrow() -> date:
    return datetime.now(UTC).astimezone(TASHKENT).date() + timedelta(days=1)


async def test_a_shift_not_started_in_time_is_flagged_once(client, crew, plan, events, sessionmaker):
    late = await plan(crew["plumber"], -20, 120)
    await plan(crew["second_plumber"], -10, 120)  # within the 15 minutes
    started = await plan(crew["electrician"], -20, 120, "electricity")
    answer = await client.post(f"/api/v1/shifts/{started['id']}/start", headers=crew["electrician"].headers)
    assert answer.status_code == 200, answer.text
    assert await alerts.flag_late(sessionmaker) == 1
    assert await alerts.flag_late(sessionmaker) == 0
    [event] = await events("core.shift.late")
    assert event["shift_id"] == late["id"] and event["executor_telegram_id"] == crew["plumber"].telegram_id
    assert event["late_minutes"] >= 19 and crew["manager"].telegram_id in event["manager_telegram_ids"]


async def test_scans_side_by_side_flag_each_late_shift_once(make_user, plan, events, sessionmaker):
    executors = [await make_user("executor", specializations=("plumbing",)) for _ in range(7)]
    shifts = [await plan(executor, -30, 60) for executor in executors]
    await asyncio.gather(*(alerts.flag_late(sessionmaker, limit=2) for _ in range(4)))
    while await alerts.flag_late(sessionmaker, limit=2):
        pass
    assert sorted(e["shift_id"] for e in await events("core.shift.late")) == sorted(s["id"] for s in shifts)


async def test_a_shift_already_over_is_not_flagged(plan, events, sessionmaker, crew):
    await plan(crew["plumber"], -200, -100)
    assert await alerts.flag_late(sessionmaker) == 0
    assert await events("core.shift.late") == []


async def template(client: Any, crew: Any, specialization: str, executor: Any) -> None:
    answer = await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers, json={
        "kind": "weekly", "specialization": specialization, "weekdays": EVERY_DAY, "start": "09:00",
        "end": "18:00", "executor_ids": [executor.id]})
    assert answer.status_code == 201, answer.text


async def test_a_gap_tomorrow_is_warned_of_once_per_specialization_and_day(client, crew, events,
                                                                            sessionmaker):
    await template(client, crew, "plumbing", crew["plumber"])
    await template(client, crew, "electricity", crew["electrician"])  # covered all day tomorrow
    start = datetime.combine(tomorrow(), datetime.min.time(), TASHKENT)
    listed = await client.get("/api/v1/shifts", headers=crew["manager"].headers, params={
        "executor_id": crew["plumber"].id, "from": start.isoformat(),
        "to": (start + timedelta(days=1)).isoformat()})
    [shift] = listed.json()["items"]
    answer = await client.delete(f"/api/v1/shifts/{shift['id']}", headers=crew["manager"].headers)
    assert answer.status_code == 204, answer.text
    checked = await asyncio.gather(*(alerts.check_tomorrow(sessionmaker, TASHKENT) for _ in range(3)))
    assert sum(checked) == 2  # each specialization once, whichever scan came first
    assert await alerts.check_tomorrow(sessionmaker, TASHKENT) == 0
    [event] = await events("core.shift.coverage_gap")
    assert event["specialization"] == "plumbing" and event["date"] == tomorrow().isoformat()
    assert event["gaps"] == [{"starts_at": shift["starts_at"].replace("Z", "+00:00"),
                              "ends_at": shift["ends_at"].replace("Z", "+00:00")}]
    assert crew["manager"].telegram_id in event["manager_telegram_ids"]
