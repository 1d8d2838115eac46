"""A request's clocks through its life: due times at filing, reaction, pauses, completion, the status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core_service.sla import clock
from core_service.sla.calendar import Calendar
from core_service.sla.schemas import Policy

TASHKENT = ZoneInfo("Asia/Tashkent")
OFFICE = Calendar(TASHKENT, {day: [(9 * 60, 18 * 60)] for day in range(5)})
MONDAY_TEN = datetime(2026, 12, 7, 10, 0, tzinfo=TASHKENT)


@dataclass
class Request:
    """The columns the clocks use."""

    status: str = "new"
    reaction_due_at: datetime | None = None
    reaction_risk_at: datetime | None = None
    resolution_due_at: datetime | None = None
    resolution_risk_at: datetime | None = None
    reacted_at: datetime | None = None
    sla_paused_at: datetime | None = None
    sla_due_at: datetime | None = None
    sla_alert_at: datetime | None = None
    sla_risk_alert_at: datetime | None = None
    completed_at: datetime | None = None
    updated_at: datetime = MONDAY_TEN


def rules(business_hours: bool = True) -> clock.Rules:
    policy = Policy(reaction_minutes=60, resolution_minutes=600, business_hours=business_hours)
    return clock.Rules(OFFICE, policy, frozenset({"clarification"}))


def at(hours: float) -> datetime:
    return MONDAY_TEN + timedelta(hours=hours)


def local(instant: datetime | None) -> str:
    assert instant is not None
    return instant.astimezone(TASHKENT).strftime("%a %H:%M")


def filed() -> Request:
    request = Request()
    clock.start(request, rules(), MONDAY_TEN)
    return request


def move(request: Request, status: str, now: datetime) -> None:
    old, request.status, request.updated_at = request.status, status, now
    clock.change(request, rules(), old, now)


def test_filing_sets_both_clocks_and_runs_the_reaction_one() -> None:
    request = filed()
    assert local(request.reaction_due_at) == "Mon 11:00" and local(request.reaction_risk_at) == "Mon 10:48"
    # 600 working minutes: eight hours on Monday, two on Tuesday; 80 % of them end on Monday evening.
    assert local(request.resolution_due_at) == "Tue 11:00"
    assert local(request.resolution_risk_at) == "Mon 18:00"
    assert request.sla_due_at == request.sla_alert_at == request.reaction_due_at
    assert request.reaction_due_at is not None and request.reaction_due_at.tzinfo == UTC


def test_the_status_follows_the_running_clock() -> None:
    request = filed()
    assert clock.status_of(request, at(0.5)) == "on_time"
    assert clock.status_of(request, at(0.8)) == "at_risk"
    assert clock.status_of(request, at(1)) == "breached"
    move(request, "in_progress", at(0.5))
    assert request.reacted_at == at(0.5)
    assert request.sla_due_at == request.sla_alert_at == request.resolution_due_at
    assert clock.status_of(request, at(2)) == "on_time"
    assert clock.status_of(request, at(7)) == "on_time"
    assert clock.status_of(request, at(8)) == "at_risk"
    assert clock.status_of(request, at(25)) == "breached"


def test_a_late_reaction_stays_a_breach() -> None:
    request = filed()
    move(request, "in_progress", at(1.5))
    assert clock.status_of(request, at(2)) == "breached"
    move(request, "completed", at(3))
    assert clock.status_of(request, at(4)) == "breached"


def test_a_pause_stops_the_clock_and_moves_the_due_times_by_the_working_time_it_took() -> None:
    request = filed()
    move(request, "in_progress", at(0.5))
    due_before = request.resolution_due_at
    move(request, "clarification", at(2))  # Monday 12:00
    assert request.sla_paused_at == at(2) and clock.status_of(request, at(30)) == "paused"
    assert request.sla_due_at == due_before  # kept, but the overdue list and the scan skip pauses
    move(request, "in_progress", at(24))  # Tuesday 10:00: seven working hours later (12-18, 9-10)
    assert local(due_before) == "Tue 11:00" and local(request.resolution_due_at) == "Tue 18:00"
    assert request.sla_due_at == request.sla_alert_at == request.resolution_due_at
    assert request.sla_paused_at is None
    assert clock.status_of(request, at(24)) == "on_time"


def test_a_pause_after_a_breach_does_not_move_it() -> None:
    request = filed()
    move(request, "in_progress", at(0.5))
    request.sla_alert_at = None  # the breach scan announced it
    move(request, "clarification", at(26))  # past Tuesday 11:00
    due = request.resolution_due_at
    move(request, "in_progress", at(48))
    assert request.resolution_due_at == due and request.sla_due_at == due
    assert request.sla_alert_at is None  # announced once, not again
    assert clock.status_of(request, at(48)) == "breached"


def test_finished_requests_are_met_or_breached_by_when_they_finished() -> None:
    on_time = filed()
    move(on_time, "in_progress", at(0.5))
    move(on_time, "completed", at(5))
    on_time.completed_at = at(5)
    assert on_time.sla_due_at is None and on_time.sla_alert_at is None
    assert clock.status_of(on_time, at(100)) == "met"
    move(on_time, "accepted", at(100))
    assert clock.status_of(on_time, at(200)) == "met"
    cancelled = filed()
    move(cancelled, "cancelled", at(0.5))
    assert clock.status_of(cancelled, at(100)) == "met" and cancelled.sla_due_at is None
    late = filed()
    move(late, "in_progress", at(0.5))
    move(late, "cancelled", at(30))
    assert clock.status_of(late, at(31)) == "breached"


def test_requests_filed_before_slas_have_no_status() -> None:
    request = Request(status="in_progress")
    clock.change(request, rules(), "new", at(1))
    assert clock.status_of(request, at(1)) is None and request.sla_due_at is None
