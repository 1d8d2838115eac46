"""A request's SLA clocks: due times set at filing, moved by pauses, and the status they give.

Two clocks run per request: reaction (until it leaves `new`) and resolution (until `completed`).
Each has a due time and an at-risk time (when 80 % of its allowance is used). `sla_due_at` is the
due time of the clock running now (null once the request is done; kept while it is paused, when
`sla_paused_at` says so), the column the overdue list reads; `sla_alert_at` is that due time
until its breach has been announced, the column the breach scan reads; `sla_risk_alert_at` is the
running clock's at-risk time until it has been announced (each clock's once), the column the
at-risk scan reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Literal, Protocol

from core_service.sla import calendar
from core_service.sla.calendar import Calendar
from core_service.sla.schemas import Policy

SlaStatus = Literal["on_time", "at_risk", "breached", "paused", "met"]
AT_RISK = 0.8
DONE = ("completed", "accepted", "cancelled")
# The clock columns of a request, by name.
COLUMNS = ("reaction_due_at", "reaction_risk_at", "resolution_due_at", "resolution_risk_at", "reacted_at",
           "sla_paused_at", "sla_due_at", "sla_alert_at", "sla_risk_alert_at")


class Clocked(Protocol):
    """What the clocks read and write on a request."""

    status: str
    reaction_due_at: datetime | None
    reaction_risk_at: datetime | None
    resolution_due_at: datetime | None
    resolution_risk_at: datetime | None
    reacted_at: datetime | None
    sla_paused_at: datetime | None
    sla_due_at: datetime | None
    sla_alert_at: datetime | None
    sla_risk_alert_at: datetime | None
    completed_at: datetime | None
    # A cancelled request's last change is its cancellation.
    updated_at: datetime


@dataclass
class View:
    """A request's clocks read from a row of a listing."""

    status: str
    reaction_due_at: datetime | None
    reaction_risk_at: datetime | None
    resolution_due_at: datetime | None
    resolution_risk_at: datetime | None
    reacted_at: datetime | None
    sla_paused_at: datetime | None
    sla_due_at: datetime | None
    sla_alert_at: datetime | None
    sla_risk_alert_at: datetime | None
    completed_at: datetime | None
    updated_at: datetime

    @classmethod
    def of(cls, row: Mapping[Any, Any]) -> View:
        """The clocks of `row`, which has (at least) a column of each field's name."""
        return cls(**{field.name: row[field.name] for field in fields(cls)})


@dataclass(frozen=True, slots=True)
class Rules:
    """The tenant's calendar and pause statuses, and the policy of the request's urgency."""

    calendar: Calendar
    policy: Policy
    pause_statuses: frozenset[str]

    def due(self, start: datetime, minutes: float) -> datetime:
        """`minutes` of the policy's counted time after `start`."""
        return calendar.add(self.calendar, start, minutes, self.policy.business_hours)

    def counted(self, start: datetime, end: datetime) -> float:
        """Minutes of the policy's counted time from `start` to `end`."""
        return calendar.elapsed(self.calendar, start, end, self.policy.business_hours).total_seconds() / 60


def start(request: Clocked, rules: Rules, filed_at: datetime) -> None:
    """Set both clocks of a request filed at `filed_at`; the reaction clock runs."""
    reaction, resolution = rules.policy.reaction_minutes, rules.policy.resolution_minutes
    request.reaction_due_at = rules.due(filed_at, reaction)
    request.reaction_risk_at = rules.due(filed_at, reaction * AT_RISK)
    request.resolution_due_at = rules.due(filed_at, resolution)
    request.resolution_risk_at = rules.due(filed_at, resolution * AT_RISK)
    request.sla_due_at = request.sla_alert_at = request.reaction_due_at
    request.sla_risk_alert_at = request.reaction_risk_at


def _moved(instant: datetime | None, rules: Rules, paused: datetime, resumed: datetime) -> datetime | None:
    """`instant` as it falls after a pause from `paused` to `resumed` (unmoved if it passed before)."""
    if instant is None or instant <= paused:
        return instant
    return rules.due(resumed, rules.counted(paused, instant))


def change(request: Clocked, rules: Rules, old_status: str, now: datetime) -> None:
    """Follow the request's move from `old_status` to its status: react, pause, resume or stop."""
    new_status = request.status
    if request.reaction_due_at is None:  # filed before SLAs were tracked
        return
    if old_status == "new" and new_status != "new":
        request.reacted_at = now
        # The reaction clock stopped: its at-risk warning, if still to come, gives way to resolution's.
        request.sla_risk_alert_at = request.resolution_risk_at
    if request.sla_paused_at is not None and new_status not in rules.pause_statuses:
        paused = request.sla_paused_at
        request.resolution_due_at = _moved(request.resolution_due_at, rules, paused, now)
        request.resolution_risk_at = _moved(request.resolution_risk_at, rules, paused, now)
        request.sla_risk_alert_at = _moved(request.sla_risk_alert_at, rules, paused, now)
        request.sla_paused_at = None
    if new_status in DONE:
        request.sla_risk_alert_at = None
    if new_status in rules.pause_statuses and request.sla_paused_at is None:
        request.sla_paused_at = now
    _point(request)


def _point(request: Clocked) -> None:
    """`sla_due_at` at the clock running now; a due time new to it is the one to announce."""
    if request.status in DONE:
        due = None
    else:
        due = request.reaction_due_at if request.status == "new" else request.resolution_due_at
    if due != request.sla_due_at:
        request.sla_alert_at = due
    request.sla_due_at = due


def status_of(request: Clocked, now: datetime) -> SlaStatus | None:
    """How the request stands against its SLA now (None for one filed before SLAs were tracked).

    Done (completed, accepted, cancelled): `met`, or `breached` if it reacted or finished late.
    Open: `paused` in a pause status, `breached` once a due time has passed, `at_risk` once 80 %
    of the running clock's time is used, else `on_time`."""
    reaction_due, resolution_due = request.reaction_due_at, request.resolution_due_at
    if reaction_due is None or resolution_due is None:
        return None
    late_reaction = request.reacted_at is not None and request.reacted_at > reaction_due
    if request.status in DONE:
        finished = request.updated_at if request.status == "cancelled" else request.completed_at
        finished = finished or request.updated_at
        return "breached" if late_reaction or finished > resolution_due else "met"
    if request.sla_paused_at is not None:
        return "paused"
    new = request.status == "new"
    if late_reaction or now >= (reaction_due if new else resolution_due):
        return "breached"
    risk = request.reaction_risk_at if new else request.resolution_risk_at
    return "at_risk" if risk is not None and now >= risk else "on_time"
