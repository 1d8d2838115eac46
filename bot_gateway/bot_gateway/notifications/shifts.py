"""`core.shift.*` events: a hand-over asked of the colleague (Accept), accepted for the managers
(Approve), approved for both executors; a late start, a coverage gap and an ended shift's open
requests for the managers."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot_gateway.i18n import normalize, t, tn
from bot_gateway.keyboards.shifts import (
    accept_markup,
    approve_markup,
    day_name,
    handover_text,
    hours,
    local,
    requests_markup,
    shift_line,
)
from bot_gateway.notifications.render import Outgoing, Person, person
from bot_gateway.texts import category_name, esc, fit, status_name

Data = dict[str, Any]
# The events managers and admins hear of (the notifier looks them up only for these).
FOR_STAFF = ("shift.handover_accepted", "shift.late", "shift.coverage_gap", "shift.ended")
EVENTS = ("shift.handover_requested", "shift.handover_approved", *FOR_STAFF)
# An ended shift's requests listed with a button each; more are counted, not listed.
MAX_LISTED = 30
URGENCIES = ("low", "normal", "high", "critical")


def messages(kind: str, data: Data, staff: list[Person]) -> list[Outgoing]:
    """Who hears what about a `shift.*` event (`staff`: the active managers and admins)."""
    if kind == "shift.handover_requested":
        return requested(data)
    if kind == "shift.handover_accepted":
        return accepted(data, staff)
    if kind == "shift.handover_approved":
        return approved(data)
    if kind == "shift.late":
        return [late(data, p) for p in managers(data, staff)]
    if kind == "shift.coverage_gap":
        return [gap(data, p) for p in managers(data, staff)]
    if kind == "shift.ended":
        return [ended(data, p) for p in managers(data, staff)]
    return []


def managers(data: Data, staff: list[Person]) -> list[Person]:
    """The managers the event names (each in their language when known), else the notifier's list."""
    named = data.get("manager_telegram_ids")
    if not isinstance(named, list):
        return staff
    languages = {p.telegram_id: p.language for p in staff}
    return [Person(int(i), languages.get(int(i), normalize(None))) for i in named]


def _name(data: Data, role: str) -> str:
    return esc(data.get(f"{role}_name") or "—")


def requested(data: Data) -> list[Outgoing]:
    """The colleague asked gets the shift with Accept."""
    colleague = person(data, "to")
    if colleague is None:
        return []
    text = t("shifts.notify.requested", colleague.language, name=_name(data, "executor"),
             line=shift_line(data, colleague.language))
    return [Outgoing(colleague.telegram_id, text, accept_markup(int(data["shift_id"]), colleague.language))]


def accepted(data: Data, staff: list[Person]) -> list[Outgoing]:
    """Managers and admins get the accepted hand-over with Approve."""
    return [
        Outgoing(p.telegram_id,
                 t("shifts.notify.accepted", p.language,
                   handover=handover_text(data, _name(data, "executor"), _name(data, "to"), p.language)),
                 approve_markup(int(data["shift_id"]), p.language))
        for p in staff
    ]


def approved(data: Data) -> list[Outgoing]:
    """Both executors: who gave the shift and who holds it now."""
    out = []
    giver, taker = person(data, "from"), person(data, "executor")
    if giver is not None:
        text = t("shifts.notify.approved.from", giver.language, line=shift_line(data, giver.language),
                 name=_name(data, "executor"))
        out.append(Outgoing(giver.telegram_id, text))
    if taker is not None:
        text = t("shifts.notify.approved.to", taker.language, line=shift_line(data, taker.language),
                 name=_name(data, "from"))
        out.append(Outgoing(taker.telegram_id, text))
    return out


def late(data: Data, who: Person) -> Outgoing:
    """"<name> has not started the plumbing shift of 09:00, 17 minutes late"."""
    minutes = int(data.get("late_minutes") or 0)
    text = tn("shifts.notify.late", minutes, who.language, name=_name(data, "executor"),
              specialization=category_name(str(data.get("specialization")), who.language),
              time=f"{local(data['starts_at']):%H:%M}")
    return Outgoing(who.telegram_id, text)


def gap(data: Data, who: Person) -> Outgoing:
    """The day, the specialization and the local hours with nobody on duty."""
    gaps = ", ".join(hours(g) for g in data.get("gaps") or [])
    day = day_name(date.fromisoformat(str(data["date"])), who.language)
    text = t("shifts.notify.gap", who.language, day=day,
             specialization=category_name(str(data.get("specialization")), who.language), gaps=gaps)
    return Outgoing(who.telegram_id, text)


def ended(data: Data, who: Person) -> Outgoing:
    """The hand-over list: the executor's open requests with a button each, or "no open requests"."""
    values = {"name": _name(data, "executor"), "line": shift_line(data, who.language)}
    requests = [r for r in data.get("open_requests") or [] if isinstance(r, dict) and r.get("number")]
    if not requests:
        return Outgoing(who.telegram_id, t("shifts.notify.ended.none", who.language, **values))
    lines = [tn("shifts.notify.ended", len(requests), who.language, **values)]
    lines += [open_item(r, who.language) for r in requests[:MAX_LISTED]]
    markup = requests_markup([str(r["number"]) for r in requests[:MAX_LISTED]], who.language)
    return Outgoing(who.telegram_id, fit("\n".join(lines)), markup)


def open_item(request: Data, language: str) -> str:
    """`№…: status, urgency, address, apartment` of one open request."""
    urgency = str(request.get("urgency") or "normal")
    return t("shifts.notify.ended.item", language, number=esc(request.get("number")),
             status=status_name(str(request.get("status")), language),
             urgency=t(f"urgency.{urgency}", language) if urgency in URGENCIES else esc(urgency),
             address=esc(request.get("building_address")), apartment=esc(request.get("apartment")))

