"""Formatting of requests, lists and history (user text is always HTML-escaped)."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot_gateway.i18n import t, tn

STATUS_ICONS = {
    "new": "🆕",
    "in_progress": "🔧",
    "purchasing": "🛒",
    "clarification": "❓",
    "completed": "✅",
    "accepted": "👍",
    "returned": "↩️",
    "cancelled": "❌",
}
STATUSES = tuple(STATUS_ICONS)
CATEGORIES = (
    "electricity",
    "plumbing",
    "heating",
    "ventilation",
    "elevator",
    "cleaning",
    "landscaping",
    "security",
    "internet",
    "repair",
    "other",
)
TEXT_LIMIT = 4096
ZONE = ZoneInfo("Asia/Tashkent")


def esc(value: Any) -> str:
    """User-supplied text made safe for HTML messages."""
    return html.escape(str(value if value is not None else ""), quote=False)


def clip(text: str, limit: int = 300) -> str:
    """`text` shortened to `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def icon(status: str) -> str:
    """The emoji of a status."""
    return STATUS_ICONS.get(status, "•")


def status_name(status: str, language: str) -> str:
    """A status in the user's language."""
    return t(f"status.{status}", language) if status in STATUS_ICONS else esc(status)


def category_name(category: str, language: str) -> str:
    """A category in the user's language."""
    return t(f"category.{category}", language) if category in CATEGORIES else esc(category)


def stars(count: int | None) -> str:
    """`⭐⭐⭐` for 3."""
    return "⭐" * int(count or 0)


def when(value: str | None) -> str:
    """An ISO timestamp as local `DD.MM.YYYY HH:MM`."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return esc(value)
    return moment.astimezone(ZONE).strftime("%d.%m.%Y %H:%M")


def person(value: Any, fallback: str = "—") -> str:
    """A user reference's name."""
    return esc(value.get("name")) if isinstance(value, dict) and value.get("name") else fallback


def card(request: dict[str, Any], language: str) -> str:
    """A request's details."""
    building = request.get("building") or {}
    text = t(
        "req.card",
        language,
        icon=icon(request["status"]),
        number=esc(request["number"]),
        status=status_name(request["status"], language),
        address=esc(building.get("address")),
        apartment=esc(request.get("apartment")),
        category=category_name(request["category"], language),
        urgency=t(f"urgency.{request.get('urgency', 'normal')}", language),
        description=esc(clip(request.get("description") or "", 1500)),
        executor=person(request.get("executor"), t("req.no_executor", language)),
        created=when(request.get("created_at")),
    )
    if request.get("media"):
        text += "\n" + tn("req.photos", len(request["media"]), language)
    if request.get("rating"):
        text += "\n" + t("req.rating", language, stars=stars(request["rating"]))
    return text


def list_item(request: dict[str, Any], language: str) -> str:
    """One line of a request list (also the button's text)."""
    return t(
        "list.item",
        language,
        icon=icon(request["status"]),
        number=request["number"],
        category=category_name(request["category"], language),
        status=status_name(request["status"], language),
    )


def history_line(item: dict[str, Any], language: str) -> str:
    """One change of a request."""
    action = str(item.get("action") or "")
    values = {"time": when(item.get("created_at")), "actor": person(item.get("actor"))}
    if item.get("new_status") and item.get("old_status") and item.get("new_status") != item.get("old_status"):
        line = t(
            "hist.status",
            language,
            old=status_name(item["old_status"], language),
            new=status_name(item["new_status"], language),
            **values,
        )
    elif action in ("created", "assigned", "commented", "rated"):
        line = t(f"hist.{action}", language, **values)
    else:
        line = t("hist.other", language, action=esc(action), **values)
    if item.get("comment"):
        line += "\n" + t("hist.comment", language, text=esc(clip(item["comment"], 200)))
    return line


def fit(text: str) -> str:
    """`text` within Telegram's 4096 characters."""
    return clip(text, TEXT_LIMIT)
