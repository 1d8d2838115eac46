"""Templates plan each executor of a specialization for the coming weeks; managers edit days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

TASHKENT = ZoneInfo("Asia/Tashkent")
WEEKDAYS = {"weekdays": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "18:00"}


def local_today() -> date:
    return datetime.now(UTC).astimezone(TASHKENT).date()


async def shifts_of(client: Any, actor: Any, executor_id: int, first: date, days: int) -> list[Any]:
    start = datetime.combine(first, datetime.min.time(), TASHKENT)
    answer = await client.get("/api/v1/shifts", headers=actor.headers, params={
        "executor_id": executor_id, "from": start.isoformat(),
        "to": (start + timedelta(days=days)).isoformat()})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def plumber_every_day(client: Any, crew: Any) -> None:
    """The manager plans the first plumber 09:00-18:00 every day of the coming four weeks."""
    answer = await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers,
                               json={"kind": "weekly", "specialization": "plumbing", **WEEKDAYS,
                                     "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                                     "executor_ids": [crew["plumber"].id]})
    assert answer.status_code == 201, answer.text


async def test_a_weekly_template_plans_every_executor_of_its_specialization_for_four_weeks(client, crew):
    answer = await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers,
                               json={"kind": "weekly", "specialization": "plumbing", **WEEKDAYS})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    # Two plumbers, 20 working days each in 4 weeks from today.
    assert body["created"] == 40 and body["skipped"] == []
    assert body["template"]["weekdays"] == WEEKDAYS["weekdays"]
    shifts = await shifts_of(client, crew["manager"], crew["plumber"].id, local_today(), 28)
    assert len(shifts) == 20
    for shift in shifts:
        starts = datetime.fromisoformat(shift["starts_at"]).astimezone(TASHKENT)
        ends = datetime.fromisoformat(shift["ends_at"]).astimezone(TASHKENT)
        assert starts.weekday() < 5 and (starts.hour, starts.minute, ends.hour) == (9, 0, 18)
        assert shift["status"] in ("planned", "missed") and shift["specialization"] == "plumbing"
    assert await shifts_of(client, crew["manager"], crew["electrician"].id, local_today(), 28) == []


async def test_a_cycle_template_works_days_on_then_rests_days_off(client, crew):
    start = local_today()
    answer = await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers, json={
        "kind": "cycle", "specialization": "electricity", "days_on": 2, "days_off": 2,
        "cycle_start": start.isoformat(), "start": "08:00", "end": "20:00"})
    assert answer.status_code == 201, answer.text
    shifts = await shifts_of(client, crew["manager"], crew["electrician"].id, start, 28)
    worked = {datetime.fromisoformat(s["starts_at"]).astimezone(TASHKENT).date() for s in shifts}
    assert worked == {start + timedelta(days=n) for n in range(28) if n % 4 < 2}


async def test_generating_again_writes_nothing_twice(client, crew):
    created = await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers,
                                json={"kind": "weekly", "specialization": "plumbing", **WEEKDAYS,
                                      "executor_ids": [crew["plumber"].id]})
    template = created.json()["template"]["id"]
    first = local_today()
    again = await client.post(f"/api/v1/shifts/templates/{template}/generate",
                              headers=crew["manager"].headers,
                              json={"from": first.isoformat(),
                                    "to": (first + timedelta(days=34)).isoformat()})
    assert again.status_code == 200, again.text
    # Only the days past the first four weeks are new: a week, five working days.
    assert again.json()["created"] == 5
    assert len(await shifts_of(client, crew["manager"], crew["plumber"].id, first, 35)) == 25


async def test_a_shift_that_would_overlap_another_is_left_out_and_reported(client, crew):
    both = {"kind": "weekly", "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "start": "09:00", "end": "18:00", "executor_ids": [crew["second_plumber"].id]}
    await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers,
                      json={**both, "specialization": "plumbing"})
    answer = await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers,
                               json={**both, "specialization": "heating", "start": "17:00", "end": "22:00"})
    assert answer.status_code == 201
    assert answer.json()["created"] == 0 and len(answer.json()["skipped"]) == 28
    assert answer.json()["skipped"][0]["reason"] == "overlaps another shift of the executor"


@pytest.mark.parametrize(("change", "field"), [
    ({"weekdays": []}, "weekdays"),
    ({"start": "18:00", "end": "09:00"}, "end"),
    ({"start": "09:00", "end": "09:00"}, "end"),
    ({"start": "9:00"}, "start"),
])
async def test_a_template_with_no_days_or_reversed_hours_is_refused(client, crew, change, field):
    answer = await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers,
                               json={"kind": "weekly", "specialization": "plumbing", **WEEKDAYS, **change})
    assert answer.status_code == 422
    assert field in answer.json()["detail"][0]["loc"]
    assert (await client.get("/api/v1/shifts/templates", headers=crew["manager"].headers)).json() == []


@pytest.mark.parametrize(("change", "field"), [
    ({"days_on": 0}, "days_on"),
    ({"days_off": -1}, "days_off"),
    ({"start": "20:00", "end": "08:00"}, "end"),
])
async def test_a_cycle_template_with_no_days_or_reversed_hours_is_refused(client, crew, change, field):
    answer = await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers, json={
        "kind": "cycle", "specialization": "plumbing", "start": "08:00", "end": "20:00", "days_on": 2,
        "days_off": 2, "cycle_start": local_today().isoformat(), **change})
    assert answer.status_code == 422
    assert field in answer.json()["detail"][0]["loc"] and answer.json()["detail"][0]["msg"]
    assert (await client.get("/api/v1/shifts/templates", headers=crew["manager"].headers)).json() == []


async def test_a_template_naming_an_executor_without_the_specialization_writes_nothing(client, crew):
    answer = await client.post("/api/v1/shifts/templates", headers=crew["manager"].headers, json={
        "kind": "weekly", "specialization": "plumbing", **WEEKDAYS,
        "executor_ids": [crew["plumber"].id, crew["electrician"].id]})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "executor_ids"]
    assert "does not have the specialization plumbing" in answer.json()["detail"][0]["msg"]
    assert (await client.get("/api/v1/shifts/templates", headers=crew["manager"].headers)).json() == []
    assert await shifts_of(client, crew["manager"], crew["plumber"].id, local_today(), 28) == []


async def test_only_staff_manage_templates(client, crew):
    body = {"kind": "weekly", "specialization": "plumbing", **WEEKDAYS}
    answer = await client.post("/api/v1/shifts/templates", headers=crew["plumber"].headers, json=body)
    assert answer.status_code == 403


async def test_a_manager_replaces_a_range_of_days_with_other_hours(client, crew):
    await plumber_every_day(client, crew)
    first = local_today() + timedelta(days=2)
    answer = await client.post("/api/v1/shifts/range", headers=crew["manager"].headers, json={
        "executor_id": crew["plumber"].id, "from": first.isoformat(),
        "to": (first + timedelta(days=2)).isoformat(), "action": "replace",
        "hours": {"start": "12:00", "end": "20:00"}, "specialization": "plumbing"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["removed"] == 3 and len(answer.json()["created"]) == 3
    shifts = await shifts_of(client, crew["manager"], crew["plumber"].id, first, 3)
    assert [datetime.fromisoformat(s["starts_at"]).astimezone(TASHKENT).hour for s in shifts] == [12, 12, 12]


async def test_a_manager_removes_one_day(client, crew):
    await plumber_every_day(client, crew)
    day = local_today() + timedelta(days=3)
    answer = await client.post("/api/v1/shifts/range", headers=crew["manager"].headers, json={
        "executor_id": crew["plumber"].id, "from": day.isoformat(), "to": day.isoformat(),
        "action": "remove"})
    assert answer.status_code == 200 and answer.json() == {"removed": 1, "created": []}
    assert await shifts_of(client, crew["manager"], crew["plumber"].id, day, 1) == []
    assert len(await shifts_of(client, crew["manager"], crew["plumber"].id, day + timedelta(days=1), 1)) == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"to_days": -1}, "to"),
    ({"hours": {"start": "20:00", "end": "12:00"}}, "end"),
    ({"specialization": "electricity"}, "executor_id"),
])
async def test_a_wrong_range_edit_leaves_the_days_as_they_were(client, crew, change, field):
    await plumber_every_day(client, crew)
    first = local_today() + timedelta(days=2)
    edit = {"hours": {"start": "12:00", "end": "20:00"}, "specialization": "plumbing", "to_days": 2, **change}
    answer = await client.post("/api/v1/shifts/range", headers=crew["manager"].headers, json={
        "executor_id": crew["plumber"].id, "from": first.isoformat(), "action": "replace",
        "to": (first + timedelta(days=edit.pop("to_days"))).isoformat(), **edit})
    assert answer.status_code == 422
    assert field in answer.json()["detail"][0]["loc"] and answer.json()["detail"][0]["msg"]
    shifts = await shifts_of(client, crew["manager"], crew["plumber"].id, first - timedelta(days=1), 4)
    assert [datetime.fromisoformat(s["starts_at"]).astimezone(TASHKENT).hour for s in shifts] == [9] * 4


async def test_a_replacement_overlapping_another_shift_leaves_the_days_as_they_were(client, crew):
    day = local_today() + timedelta(days=5)
    # A night shift from the evening before runs into the range's first day: the edit does not remove it.
    night = datetime.combine(day, datetime.min.time(), TASHKENT) - timedelta(hours=2)
    await client.post("/api/v1/shifts", headers=crew["manager"].headers, json={
        "executor_id": crew["second_plumber"].id, "specialization": "heating",
        "starts_at": night.isoformat(), "ends_at": (night + timedelta(hours=15)).isoformat()})
    await client.post("/api/v1/shifts/range", headers=crew["manager"].headers, json={
        "executor_id": crew["second_plumber"].id, "from": (day + timedelta(days=1)).isoformat(),
        "to": (day + timedelta(days=1)).isoformat(), "action": "replace",
        "hours": {"start": "09:00", "end": "18:00"}, "specialization": "plumbing"})
    answer = await client.post("/api/v1/shifts/range", headers=crew["manager"].headers, json={
        "executor_id": crew["second_plumber"].id, "from": day.isoformat(),
        "to": (day + timedelta(days=1)).isoformat(), "action": "replace",
        "hours": {"start": "12:00", "end": "20:00"}, "specialization": "plumbing"})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "hours"]
    assert "overlaps shift" in answer.json()["detail"][0]["msg"]
    left = await shifts_of(client, crew["manager"], crew["second_plumber"].id, day, 2)
    assert [(s["specialization"], datetime.fromisoformat(s["starts_at"]).astimezone(TASHKENT).hour)
            for s in left] == [("heating", 22), ("plumbing", 9)]


@pytest.mark.parametrize(("change", "field"), [
    ({"start": 60, "end": 30}, "ends_at"),
    ({"start": 60, "end": 60 * 30}, "ends_at"),
    ({"specialization": "electricity"}, "executor_id"),
    ({"start": 90, "end": 150}, "starts_at"),
])
async def test_a_shift_planned_by_hand_is_refused_when_wrong(client, crew, plan, change, field):
    await plan(crew["plumber"], 120, 240)
    minutes = {"start": 60, "end": 120, "specialization": "plumbing", **change}
    answer = await client.post("/api/v1/shifts", headers=crew["manager"].headers, json={
        "executor_id": crew["plumber"].id, "specialization": minutes["specialization"],
        "starts_at": (datetime.now(UTC) + timedelta(minutes=minutes["start"])).isoformat(),
        "ends_at": (datetime.now(UTC) + timedelta(minutes=minutes["end"])).isoformat()})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", field]
    listed = await client.get("/api/v1/shifts", headers=crew["manager"].headers,
                              params={"executor_id": crew["plumber"].id})
    assert listed.json()["total"] == 1
