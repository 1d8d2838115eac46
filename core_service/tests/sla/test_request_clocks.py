"""Requests carry their SLA: due times from the tenant's policy, the status, pauses, `?overdue=true`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from shared.db import session_scope

REQUESTS = "/api/v1/requests"


def instant(value: str | None) -> datetime:
    assert value is not None
    return datetime.fromisoformat(value)


def close(value: str | None, expected: datetime) -> bool:
    return abs(instant(value) - expected) < timedelta(seconds=5)


async def read(client, number: str, who) -> dict[str, Any]:
    answer = await client.get(f"{REQUESTS}/{number}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_new_request_is_due_by_its_urgencys_policy(client, people, file_request, set_sla):
    await set_sla()
    filed = await file_request(people["applicant"], urgency="critical")
    created = instant(filed["created_at"])
    assert close(filed["reaction_due_at"], created + timedelta(minutes=30))
    assert close(filed["resolution_due_at"], created + timedelta(minutes=240))
    assert filed["reaction_due_at"].endswith(("Z", "+00:00")) and filed["sla_status"] == "on_time"
    listed = (await client.get(REQUESTS, headers=people["manager"].headers)).json()["items"][0]
    assert {k: listed[k] for k in ("reaction_due_at", "resolution_due_at", "sla_status")} == {
        k: filed[k] for k in ("reaction_due_at", "resolution_due_at", "sla_status")}
    low = await file_request(people["applicant"], urgency="low")
    assert close(low["reaction_due_at"], instant(low["created_at"]) + timedelta(minutes=480))


async def test_working_minutes_skip_the_tenants_holidays(client, people, file_request, set_sla):
    # Every hour of every day is working time, but today and tomorrow (UTC) are holidays.
    today = datetime.now(UTC).date()
    policy = {"reaction_minutes": 90, "resolution_minutes": 600, "business_hours": True}
    await set_sla(working_hours={day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri",
                                                                        "sat", "sun")},
                  holidays=[today.isoformat(), (today + timedelta(days=1)).isoformat()],
                  policies={u: policy for u in ("critical", "high", "normal", "low")})
    filed = await file_request(people["applicant"])
    day_after = datetime.combine(today + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    assert instant(filed["reaction_due_at"]) == day_after + timedelta(minutes=90)
    assert instant(filed["resolution_due_at"]) == day_after + timedelta(minutes=600)


async def test_without_an_sla_set_the_defaults_apply(client, people, file_request):
    filed = await file_request(people["applicant"], urgency="critical")  # 30 minutes, every minute counts
    assert close(filed["reaction_due_at"], instant(filed["created_at"]) + timedelta(minutes=30))


async def test_status_goes_at_risk_then_breached_and_the_overdue_list_has_the_oldest_first(
    client, people, file_request, set_sla, let_pass
):
    await set_sla()  # normal: 100 minutes to react
    manager = people["manager"]
    fresh, risky, late, later = [(await file_request(people["applicant"]))["number"] for _ in range(4)]
    await let_pass(risky, 85)
    await let_pass(late, 300)
    await let_pass(later, 120)
    assert (await read(client, fresh, manager))["sla_status"] == "on_time"
    assert (await read(client, risky, manager))["sla_status"] == "at_risk"
    assert (await read(client, late, manager))["sla_status"] == "breached"
    overdue = (await client.get(REQUESTS, params={"overdue": "true"}, headers=manager.headers)).json()
    assert [r["number"] for r in overdue["items"]] == [late, later] and overdue["total"] == 2
    assert all(r["sla_status"] == "breached" for r in overdue["items"])
    rest = (await client.get(REQUESTS, params={"overdue": "false"}, headers=manager.headers)).json()
    assert {r["number"] for r in rest["items"]} == {fresh, risky}
    # An explicit sort still applies; an applicant sees only their own overdue requests.
    newest = await client.get(REQUESTS, params={"overdue": "true", "sort": "-sla_due_at"},
                              headers=manager.headers)
    assert [r["number"] for r in newest.json()["items"]] == [later, late]
    stranger = await client.get(REQUESTS, params={"overdue": "true"}, headers=people["stranger"].headers)
    assert stranger.json()["total"] == 0


async def test_leaving_new_starts_the_resolution_clock_and_a_late_reaction_stays_a_breach(
    client, people, file_request, set_sla, let_pass, drive
):
    await set_sla()
    manager = people["manager"]
    on_time = (await file_request(people["applicant"]))["number"]
    taken = await drive(client, on_time, "in_progress", people)
    assert taken["sla_status"] == "on_time"
    late = (await file_request(people["applicant"]))["number"]
    await let_pass(late, 150)
    taken_late = await drive(client, late, "in_progress", people)
    assert taken_late["sla_status"] == "breached"
    overdue = (await client.get(REQUESTS, params={"overdue": "true"}, headers=manager.headers)).json()
    assert overdue["total"] == 0  # the resolution clock runs now, and is not past due
    await let_pass(on_time, 1000)
    overdue = (await client.get(REQUESTS, params={"overdue": "true"}, headers=manager.headers)).json()
    assert [r["number"] for r in overdue["items"]] == [on_time]


async def test_a_pause_stops_the_clock_and_moves_the_due_time_by_its_length(
    client, people, file_request, set_sla, let_pass, drive, sessionmaker
):
    await set_sla()
    manager, executor = people["manager"], people["executor"]
    number = (await file_request(people["applicant"]))["number"]
    await drive(client, number, "in_progress", people)
    due = instant((await read(client, number, manager))["resolution_due_at"])
    paused = await client.patch(f"{REQUESTS}/{number}/status", json={"status": "clarification"},
                                headers=executor.headers)
    assert paused.json()["sla_status"] == "paused"
    await let_pass(number, 2000)  # far past the due time, but the clock stands still
    assert (await read(client, number, manager))["sla_status"] == "paused"
    overdue = (await client.get(REQUESTS, params={"overdue": "true"}, headers=manager.headers)).json()
    assert overdue["total"] == 0
    resumed = await client.patch(f"{REQUESTS}/{number}/status", json={"status": "in_progress"},
                                 headers=executor.headers)
    body = resumed.json()
    # let_pass moved every instant 2000 minutes back and the pause lasted as long: the due time is
    # where it was, as seen from now.
    assert close(body["resolution_due_at"], due) and body["sla_status"] == "on_time"
    async for session in session_scope(sessionmaker):
        paused_at = await session.scalar(text("SELECT sla_paused_at FROM requests WHERE number = :n"),
                                         {"n": number})
        assert paused_at is None


async def test_finished_requests_are_met_or_breached(client, people, file_request, set_sla, let_pass, drive):
    await set_sla()
    manager = people["manager"]
    met = (await file_request(people["applicant"]))["number"]
    assert (await drive(client, met, "completed", people))["sla_status"] == "met"
    await let_pass(met, 5000)
    assert (await read(client, met, manager))["sla_status"] == "met"
    late = (await file_request(people["applicant"]))["number"]
    await drive(client, late, "in_progress", people)
    await let_pass(late, 1500)
    completed = await client.patch(f"{REQUESTS}/{late}/status", json={"status": "completed"},
                                   headers=people["executor"].headers)
    assert completed.json()["sla_status"] == "breached"
    cancelled = (await file_request(people["applicant"]))["number"]
    assert (await drive(client, cancelled, "cancelled", people))["sla_status"] == "met"
    overdue = (await client.get(REQUESTS, params={"overdue": "true"}, headers=manager.headers)).json()
    assert overdue["total"] == 0


@pytest.mark.parametrize("value", ["2", "maybe", ""])
async def test_overdue_takes_only_a_boolean(client, people, value):
    answer = await client.get(REQUESTS, params={"overdue": value}, headers=people["manager"].headers)
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", "overdue"]


async def test_the_overdue_list_is_served_by_its_index(sessionmaker):
    query = ("SELECT id FROM requests WHERE tenant_id = 'default' AND sla_due_at <= now()"
             " AND sla_paused_at IS NULL ORDER BY sla_due_at, id LIMIT 20")
    async for session in session_scope(sessionmaker):
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join((await session.execute(text(f"EXPLAIN {query}"))).scalars())
        assert "ix_requests_sla_due" in plan, plan
