"""Managers see a day's coverage; routing asks who is on duty at a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TASHKENT = ZoneInfo("Asia/Tashkent")


def coverage_of(body: dict[str, Any], specialization: str) -> dict[str, Any]:
    return next(c for c in body["specializations"] if c["specialization"] == specialization)


async def test_coverage_shows_who_is_on_who_is_missing_and_the_gaps(client, crew, plan):
    on = await plan(crew["plumber"], -30, 30)
    await client.post(f"/api/v1/shifts/{on['id']}/start", headers=crew["plumber"].headers)
    missing = await plan(crew["second_plumber"], -20, 40)
    not_yet_late = await plan(crew["electrician"], -10, 50, "electricity")
    today = datetime.now(UTC).astimezone(TASHKENT).date()
    answer = await client.get("/api/v1/shifts/coverage", headers=crew["manager"].headers,
                              params={"date": today.isoformat()})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["date"] == today.isoformat() and body["timezone"] == "Asia/Tashkent"
    plumbing = coverage_of(body, "plumbing")
    assert [s["id"] for s in plumbing["on"]] == [on["id"]]
    assert [s["id"] for s in plumbing["missing"]] == [missing["id"]]
    electricity = coverage_of(body, "electricity")
    assert electricity["on"] == [] and electricity["missing"] == []
    assert [s["id"] for s in electricity["planned"]] == [not_yet_late["id"]]
    # Nobody is planned for plumbing outside the two shifts: the rest of the day is gaps.
    day_start = datetime.combine(today, datetime.min.time(), TASHKENT)
    covered = (max(datetime.fromisoformat(on["starts_at"]), day_start),
               min(datetime.fromisoformat(missing["ends_at"]), day_start + timedelta(days=1)))
    total_gap = sum((datetime.fromisoformat(g["ends_at"]) - datetime.fromisoformat(g["starts_at"])
                     for g in plumbing["gaps"]), timedelta())
    assert total_gap == timedelta(days=1) - (covered[1] - covered[0])


async def test_a_specialization_with_a_template_and_nobody_planned_is_one_whole_day_gap(client, crew):
    await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers, json={
        "kind": "cycle", "specialization": "heating", "days_on": 1, "days_off": 1,
        "cycle_start": "2030-01-01", "start": "09:00", "end": "18:00"})
    answer = await client.get("/api/v1/shifts/coverage", headers=crew["manager"].headers,
                              params={"date": "2029-06-01"})
    heating = coverage_of(answer.json(), "heating")
    assert heating["planned"] == [] and len(heating["gaps"]) == 1
    gap = heating["gaps"][0]
    length = datetime.fromisoformat(gap["ends_at"]) - datetime.fromisoformat(gap["starts_at"])
    assert length == timedelta(days=1)
    assert datetime.fromisoformat(gap["starts_at"]).astimezone(TASHKENT).hour == 0


async def test_coverage_is_for_staff(client, crew):
    assert (await client.get("/api/v1/shifts/coverage", headers=crew["plumber"].headers)).status_code == 403


async def test_on_duty_lists_the_executors_on_shift_at_that_moment(client, crew, plan, service_headers):
    started = await plan(crew["plumber"], -30, 30)
    await client.post(f"/api/v1/shifts/{started['id']}/start", headers=crew["plumber"].headers)
    planned = await plan(crew["second_plumber"], -5, 60)
    await plan(crew["second_plumber"], 120, 180)
    await plan(crew["electrician"], -5, 60, "electricity")
    answer = await client.get("/api/v1/shifts/on-duty", headers=service_headers,
                              params={"specialization": "plumbing"})
    assert answer.status_code == 200, answer.text
    assert [(d["shift_id"], d["status"], d["executor"]["telegram_id"]) for d in answer.json()] == [
        (started["id"], "started", crew["plumber"].telegram_id),
        (planned["id"], "planned", crew["second_plumber"].telegram_id)]
    later = (datetime.now(UTC) + timedelta(minutes=150)).isoformat()
    at_later = await client.get("/api/v1/shifts/on-duty", headers=crew["manager"].headers,
                                params={"specialization": "plumbing", "at": later})
    assert [d["executor"]["id"] for d in at_later.json()] == [crew["second_plumber"].id]


async def test_an_ended_shift_is_no_longer_on_duty(client, crew, plan, service_headers):
    shift = await plan(crew["plumber"], -30, 30)
    await client.post(f"/api/v1/shifts/{shift['id']}/start", headers=crew["plumber"].headers)
    await client.post(f"/api/v1/shifts/{shift['id']}/end", headers=crew["plumber"].headers)
    answer = await client.get("/api/v1/shifts/on-duty", headers=service_headers,
                              params={"specialization": "plumbing"})
    assert answer.json() == []


async def test_on_duty_is_for_services_and_staff(client, crew):
    answer = await client.get("/api/v1/shifts/on-duty", headers=crew["plumber"].headers,
                              params={"specialization": "plumbing"})
    assert answer.status_code == 403
