"""Events into messages: who is told what, in their own language (user text HTML-escaped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot_gateway.i18n import normalize, t
from bot_gateway.keyboards.requests import open_request
from bot_gateway.texts import category_name, clip, esc, stars, status_name, when

Data = dict[str, Any]


@dataclass
class Fold:
    """How a notice reads as one line of a digest (`notifications.digest`), in its reader's language."""

    number: str
    line: str
    language: str
    offer: bool = False  # an offer with Take: digests of offers and of other notices stay apart


@dataclass
class Outgoing:
    """One message for one chat."""

    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None
    photos: list[str] = field(default_factory=list)
    track: tuple[str, str] | None = None  # (Redis hash, language): the sent offer's id kept per chat
    fold: Fold | None = None  # set when waiting notices of its kind to one chat may go out as one


@dataclass
class Person:
    """A recipient: Telegram id and language."""

    telegram_id: int
    language: str


def person(data: Data, role: str) -> Person | None:
    """The applicant/executor named in a `core.request.*` payload."""
    telegram_id = data.get(f"{role}_telegram_id")
    if not telegram_id:
        return None
    return Person(int(telegram_id), normalize(data.get(f"{role}_language")))


def _request_values(data: Data, language: str) -> dict[str, Any]:
    return {
        "number": esc(data.get("number")),
        "address": esc(data.get("building_address")),
        "apartment": esc(data.get("apartment")),
        "category": category_name(str(data.get("category")), language),
        "description": esc(clip(str(data.get("description") or ""), 500)),
    }


def message(who: Person, key: str, data: Data, photos: list[str] | None = None, **values: Any) -> Outgoing:
    """One request notification in the recipient's language, with an "open" button."""
    text = t(key, who.language, **{**_request_values(data, who.language), **values})
    return Outgoing(who.telegram_id, text, open_request(str(data.get("number")), who.language), photos or [])


def created(data: Data, managers: list[Person]) -> list[Outgoing]:
    """Managers hear of new requests (critical ones louder); those waiting for a manager's chat
    fold into one digest."""
    key = created_key(data)
    return [folded(message(m, key, data), data, m) for m in managers
            if m.telegram_id != data.get("actor_telegram_id")]


def created_key(data: Data) -> str:
    """The message of a new request: critical ones louder."""
    return "notif.critical" if data.get("urgency") == "critical" else "notif.created"


def folded(told: Outgoing, data: Data, who: Person, *, offer: bool = False) -> Outgoing:
    """`told`, a new request's notice, with its line for a digest."""
    values = _request_values(data, who.language)
    values["description"] = esc(clip(str(data.get("description") or ""), 80))  # the start, on one line
    line = t(f"{created_key(data)}.line", who.language, **values)
    told.fold = Fold(str(data.get("number")), line, who.language, offer)
    return told


def returned(data: Data, managers: list[Person]) -> list[Outgoing]:
    """Managers hear that a resident returned the work, and why."""
    reason = esc(clip(str(data.get("reason") or ""), 500))
    return [
        message(m, "notif.returned.manager", data, reason=reason or t("notif.reason_none", m.language))
        for m in managers
        if m.telegram_id != data.get("actor_telegram_id")
    ]


def _media_ids(data: Data) -> list[str]:
    items = data.get("media") or []
    return [str(i.get("file_id") if isinstance(i, dict) else i) for i in items if i][:10]


def status_changed(data: Data) -> list[Outgoing]:
    """The resident on every change (with the proof photos on completion); the executor on a return
    (with its photos) or a cancellation."""
    status, out = str(data.get("status")), []
    applicant, executor = person(data, "applicant"), person(data, "executor")
    actor = data.get("actor_telegram_id")
    if applicant is not None and applicant.telegram_id != actor:
        if status == "completed":
            out.append(message(applicant, "notif.completed", data, _media_ids(data)))
        else:
            out.append(
                message(applicant, "notif.status", data, status=status_name(status, applicant.language))
            )
    if executor is not None and executor.telegram_id != actor and status in ("returned", "cancelled"):
        reason = esc(clip(str(data.get("reason") or ""), 500)) or t("notif.reason_none", executor.language)
        key = "notif.returned" if status == "returned" else "notif.status"
        photos = _media_ids(data) if status == "returned" else []  # what the resident says is wrong
        out.append(
            message(executor, key, data, photos, reason=reason, status=status_name(status, executor.language))
        )
    return out


def assigned(data: Data) -> list[Outgoing]:
    """The executor who got the request (and whether Core assigned it automatically)."""
    executor = person(data, "executor")
    if executor is None or executor.telegram_id == data.get("actor_telegram_id"):
        return []
    told = message(executor, "notif.assigned", data)
    if data.get("automatic"):  # Core chose them itself (the tenant's auto-assignment)
        told.text += "\n" + t("notif.assigned.automatic", executor.language)
    return [told]


def commented(data: Data) -> list[Outgoing]:
    """The resident and the executor, except whoever wrote it (with the comment's photos)."""
    author = data.get("comment_author_telegram_id") or data.get("actor_telegram_id")
    people = [
        p for p in (person(data, "applicant"), person(data, "executor")) if p and p.telegram_id != author
    ]
    text = esc(clip(str(data.get("comment") or ""), 1500))
    name = esc(data.get("comment_author_name") or data.get("actor_name") or "")
    photos = _media_ids(data)
    return [message(p, "notif.commented", data, photos, author=name, text=text) for p in people]


def rated(data: Data) -> list[Outgoing]:
    """The executor hears the rating."""
    executor = person(data, "executor")
    return [message(executor, "notif.rated", data, stars=stars(data.get("rating")))] if executor else []


def acceptance_reminder(data: Data) -> list[Outgoing]:
    """The resident, a day after completion: accept or return the work before it is accepted for them."""
    applicant = person(data, "applicant")
    if applicant is None:
        return []
    return [message(applicant, "notif.acceptance_reminder", data, deadline=when(data.get("auto_accept_at")))]


def payment(number: str, amount: str, currency: str, who: Person) -> Outgoing:
    """A payment confirmation for the request's resident."""
    text = t("notif.payment", who.language, number=esc(number), amount=esc(amount), currency=esc(currency))
    return Outgoing(who.telegram_id, text, open_request(number, who.language))


CORE_RENDERERS = {
    "request.status_changed": status_changed,
    "request.assigned": assigned,
    "request.commented": commented,
    "request.rated": rated,
    "request.acceptance_reminder": acceptance_reminder,
}
