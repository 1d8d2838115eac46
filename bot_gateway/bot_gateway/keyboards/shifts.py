"""Shift texts and buttons, shared by the executor's and the manager's screens and the notifier.

A shift here is a dict with at least `starts_at`, `ends_at` (UTC ISO 8601) and `specialization`:
Core's `ShiftOut` and every `core.shift.*` event's data both have them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot_gateway.i18n import N_, t
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import RequestCb, ShiftCb
from bot_gateway.texts import ZONE, category_name, esc

Json = dict[str, Any]
WEEKDAYS = (N_("weekday.mon"), N_("weekday.tue"), N_("weekday.wed"), N_("weekday.thu"),
            N_("weekday.fri"), N_("weekday.sat"), N_("weekday.sun"))
STATUS_ICONS = {"planned": "🕘", "started": "▶️", "ended": "✔️", "missed": "❗"}
STATUSES = {"planned": N_("shifts.status.planned"), "started": N_("shifts.status.started"),
            "ended": N_("shifts.status.ended"), "missed": N_("shifts.status.missed")}


def local(value: Any) -> datetime:
    """A UTC ISO-8601 time in the tenant's zone."""
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(ZONE)


def day_name(moment: date, language: str) -> str:
    """`Mon 07.12` in the user's language."""
    return f"{t(WEEKDAYS[moment.weekday()], language)} {moment:%d.%m}"


def hours(span: Json) -> str:
    """`09:00–18:00` local, of a shift or a gap: an end at the next midnight is the day's end, `24:00`."""
    start, end = local(span["starts_at"]), local(span["ends_at"])
    until = "24:00" if end.date() > start.date() and f"{end:%H:%M}" == "00:00" else f"{end:%H:%M}"
    return f"{start:%H:%M}–{until}"


def shift_line(shift: Json, language: str) -> str:
    """The day, the hours and the specialization of a shift."""
    return t("shifts.line", language, day=day_name(local(shift["starts_at"]), language), hours=hours(shift),
             specialization=category_name(str(shift.get("specialization")), language))


def status_name(status: str, language: str) -> str:
    """A shift status in the user's language."""
    return t(STATUSES[status], language) if status in STATUSES else esc(status)


def name_of(person: Any) -> str:
    """A `PersonOut`'s name, escaped."""
    return esc(person.get("name")) if isinstance(person, dict) and person.get("name") else "—"


def handover_text(shift: Json, giver: str, taker: str, language: str) -> str:
    """A hand-over to approve: the shift, who gives it and who takes it (names escaped)."""
    line = shift_line(shift, language)
    return t("shifts.pending.item", language, line=line, from_name=giver, to_name=taker)


def accept_markup(shift_id: int, language: str) -> InlineKeyboardMarkup:
    """The colleague's Accept."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("shifts.btn.accept", language), callback_data=ShiftCb(action="accept", shift=shift_id))
    return kb.as_markup()


def approve_markup(shift_id: int, language: str) -> InlineKeyboardMarkup:
    """A manager's Approve."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("shifts.btn.approve", language), callback_data=ShiftCb(action="approve", shift=shift_id))
    return kb.as_markup()


def requests_markup(numbers: list[str], language: str) -> InlineKeyboardMarkup | None:
    """One button per request, opening its card (none without requests)."""
    if not numbers:
        return None
    kb = InlineKeyboardBuilder()
    for number in numbers:
        kb.button(text=t("shifts.btn.request", language, number=esc(number)),
                  callback_data=RequestCb(action="view", number=number))
    kb.adjust(2)
    return kb.as_markup()
