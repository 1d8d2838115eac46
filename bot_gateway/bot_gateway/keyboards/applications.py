"""An application for an apartment as the office sees it: the card's text, its buttons, the list.

The card is built from a residency as Core answers it (`ResidencyOut`); `from_event` turns a
`residency.*` event's data into the same shape, so a notification and an opened card look alike.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot_gateway.i18n import t
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import ResidencyCb, StaffCb
from bot_gateway.texts import clip, esc, when

Json = dict[str, Any]
CAPTION_BUDGET = 1000  # the card may be a photo's caption (Telegram: 1024 characters)


def from_event(data: Json) -> Json:
    """A `residency.*` event's data in the shape of `ResidencyOut` (the thread: its Q&A pair)."""
    messages: list[Json] = []
    if data.get("question"):
        messages.append({"kind": "question", "text": data["question"], "author": {}})
    if data.get("answer"):
        messages.append({"kind": "answer", "text": data["answer"], "author": {"name": data.get("user_name")}})
    return {
        "id": data.get("residency_id"),
        "status": data.get("status") or "pending",
        "apartment": data.get("apartment"),
        "entrance": data.get("entrance"),
        "document_file_id": data.get("document_file_id"),
        "created_at": data.get("created_at"),
        "building": {"id": data.get("building_id"), "address": data.get("building_address")},
        "user": {
            "id": data.get("user_id"), "telegram_id": data.get("user_telegram_id"),
            "name": data.get("user_name"), "phone": data.get("user_phone"),
            "username": data.get("user_username"), "language": data.get("user_language"),
        },
        "messages": messages,
    }


def username(value: Any) -> str:
    """` (@name)` after a person's name, or nothing when they have none."""
    return f" (@{esc(str(value).lstrip('@'))})" if value else ""


def card_text(residency: Json, language: str) -> str:
    """The application: who, where, the questions and answers, and the decision once made."""
    user, building = residency.get("user") or {}, residency.get("building") or {}
    lines = [
        t(
            "app.card", language, id=residency.get("id"), name=esc(user.get("name") or "—"),
            username=username(user.get("username")), phone=esc(user.get("phone") or "—"),
            address=esc(building.get("address")), apartment=esc(residency.get("apartment")),
            entrance=esc(residency.get("entrance") or "—"), created=when(residency.get("created_at")),
        )
    ]
    thread = []
    for item in residency.get("messages") or []:
        key = "app.thread.answer" if item.get("kind") == "answer" else "app.thread.question"
        author = (item.get("author") or {}).get("name") or "—"
        thread.append(t(key, language, author=esc(author), text=esc(clip(str(item.get("text") or ""), 300))))
    decision = decision_line(residency, language)
    # The oldest questions and answers give way first: cutting the HTML would break the message.
    while thread and len("\n".join([*lines, *thread, decision])) > CAPTION_BUDGET:
        thread.pop(0)
    return "\n".join([*lines, *thread, decision])


def decision_line(residency: Json, language: str) -> str:
    """Pending, or who approved/rejected it and when (with the reason)."""
    status = str(residency.get("status") or "pending")
    if status == "pending":
        return t("app.state.pending", language)
    name = esc((residency.get("decided_by") or {}).get("name") or "—")
    moment = when(residency.get("decided_at"))
    if status == "rejected":
        reason = esc(clip(str(residency.get("reason") or "—"), 300))
        return t("app.state.rejected", language, name=name, time=moment, reason=reason)
    return t("app.state.active", language, name=name, time=moment)


def card_markup(residency: Json, language: str) -> InlineKeyboardMarkup | None:
    """Approve / Reject / Ask while the application is pending; nothing after."""
    if residency.get("status") != "pending" or residency.get("id") is None:
        return None
    kb = InlineKeyboardBuilder()
    for action in ("approve", "reject", "ask"):
        kb.button(text=t(f"app.btn.{action}", language),
                  callback_data=ResidencyCb(action=action, residency_id=int(residency["id"])))
    kb.adjust(2, 1)
    return kb.as_markup()


def pending_list(items: list[Json], page: int, pages: int, language: str) -> InlineKeyboardMarkup:
    """One button per pending application (oldest first) and the page arrows."""
    kb = InlineKeyboardBuilder()
    for item in items:
        user, building = item.get("user") or {}, item.get("building") or {}
        label = t("app.list.item", language, name=user.get("name") or "—",
                  address=building.get("address") or "", apartment=item.get("apartment"))
        open_it = ResidencyCb(action="open", residency_id=int(item["id"]))
        kb.button(text=clip(label, 60), callback_data=open_it)
    sizes = [1] * len(items)
    arrows = pager(kb, "apps", page, pages, language)
    kb.adjust(*sizes, arrows or 1)
    return kb.as_markup()


def pager(kb: InlineKeyboardBuilder, action: str, page: int, pages: int, language: str) -> int:
    """Add ◀️ ▶️ for `StaffCb(action, item=page)` around `page`; how many were added."""
    added = 0
    if page > 1:
        kb.button(text=t("btn.prev", language), callback_data=StaffCb(action=action, item=page - 1))
        added += 1
    if page < pages:
        kb.button(text=t("btn.next", language), callback_data=StaffCb(action=action, item=page + 1))
        added += 1
    return added
