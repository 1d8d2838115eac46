"""`residency.*` and `user.*` events: the office's application cards, the applicant's decisions, and
a user's access and role changes (whose cached session is dropped, so the change applies to their
next update on every bot replica)."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove
from redis.asyncio import Redis

from bot_gateway.clients.core import UserClient
from bot_gateway.clients.errors import ApiError
from bot_gateway.i18n import normalize, t
from bot_gateway.keyboards.applications import card_markup, card_text, from_event
from bot_gateway.keyboards.callback_data import ResidencyAnswer
from bot_gateway.keyboards.menus import main_menu
from bot_gateway.notifications.render import Outgoing, Person
from bot_gateway.sessions.store import SessionStore
from bot_gateway.texts import clip, esc
from shared.events import Envelope

log = logging.getLogger("bot.notifications")
Data = dict[str, Any]
ROLE_PRIORITY = ("admin", "manager", "executor", "applicant")
# Events after which the user's cached session no longer says who they are.
INVITE_COMMENT = "invite"  # Core's comment on the role an invite gave
THREAD_TTL = 90 * 86_400  # an application's questions and answers, for its next card
SESSION_EVENTS = ("user.blocked", "user.unblocked", "user.roles_changed", "residency.approved")


def applicant(data: Data) -> Person | None:
    """The user a `residency.*` or `user.*` event is about."""
    telegram_id = data.get("user_telegram_id")
    return Person(int(telegram_id), normalize(data.get("user_language"))) if telegram_id else None


def application(data: Data, staff: list[Person], thread: list[Data] | None = None) -> list[Outgoing]:
    """The application card (the document photo when given, the questions and answers so far) for
    every manager and admin."""
    residency = from_event(data)
    if thread:
        residency["messages"] = thread
    photo = [str(residency["document_file_id"])] if residency.get("document_file_id") else []
    return [
        Outgoing(p.telegram_id, card_text(residency, p.language), card_markup(residency, p.language), photo)
        for p in staff
        if p.telegram_id != data.get("actor_telegram_id")
    ]


def _where(data: Data) -> dict[str, str]:
    return {"address": esc(data.get("building_address")), "apartment": esc(data.get("apartment"))}


def approved(data: Data, role: str) -> list[Outgoing]:
    """The applicant hears they may file requests now, with their menu (not when they bound it)."""
    who = applicant(data)
    if who is None or data.get("actor_id") is None or data.get("actor_id") == data.get("user_id"):
        return []
    text = t("app.notify.approved", who.language, **_where(data))
    return [Outgoing(who.telegram_id, text, main_menu(role, who.language))]


def rejected(data: Data) -> list[Outgoing]:
    """The applicant hears the rejection and its reason."""
    who = applicant(data)
    if who is None:
        return []
    reason = esc(clip(str(data.get("reason") or ""), 500)) or t("notif.reason_none", who.language)
    return [Outgoing(who.telegram_id, t("app.notify.rejected", who.language, reason=reason, **_where(data)))]


def question(data: Data) -> list[Outgoing]:
    """The applicant gets the office's question with an Answer button."""
    who = applicant(data)
    if who is None or data.get("residency_id") is None:
        return []
    text = t("app.notify.question", who.language, question=esc(clip(str(data.get("question") or ""), 1000)),
             **_where(data))
    button = InlineKeyboardButton(
        text=t("app.btn.answer", who.language),
        callback_data=ResidencyAnswer(residency_id=int(data["residency_id"])).pack(),
    )
    return [Outgoing(who.telegram_id, text, InlineKeyboardMarkup(inline_keyboard=[[button]]))]


def access(kind: str, data: Data, role: str) -> list[Outgoing]:
    """Blocked (the menu taken away), unblocked (the menu back), or the new role with its menu."""
    who = applicant(data)
    if who is None:
        return []
    if kind == "user.blocked":
        return [Outgoing(who.telegram_id, t("account.blocked", who.language), ReplyKeyboardRemove())]
    if kind == "user.unblocked":
        text = t("users.notify.unblocked", who.language)
        return [Outgoing(who.telegram_id, text, main_menu(role, who.language))]
    text = t("users.notify.roles", who.language, role=t(f"role.{role}", who.language))
    return [Outgoing(who.telegram_id, text, main_menu(role, who.language))]


class PeopleEvents:
    """Renders the people events, keeps each application's questions and answers, and drops the
    sessions the events make stale."""

    def __init__(self, users: UserClient, sessions: SessionStore | None, redis: Redis, tenant: str) -> None:
        self.users = users
        self.sessions = sessions
        self.redis = redis
        self.tenant = tenant

    async def messages(self, envelope: Envelope, staff: list[Person]) -> list[Outgoing]:
        """Who hears what about a `residency.*` or `user.*` event."""
        kind, data = envelope.event_type, envelope.data
        if kind in SESSION_EVENTS:
            await self._forget(data)
        if kind in ("residency.question_asked", "residency.answered"):
            await self._remember(envelope)
        if kind in ("residency.requested", "residency.answered"):
            return application(data, staff, await self._thread(data))
        if kind == "residency.approved":
            return approved(data, await self._role(data))
        if kind == "residency.rejected":
            return rejected(data)
        if kind == "residency.question_asked":
            return question(data)
        if kind == "user.roles_changed" and data.get("comment") == INVITE_COMMENT:
            return []  # the invite's own answer greets them in the new role
        if kind in ("user.blocked", "user.unblocked", "user.roles_changed"):
            return access(kind, data, await self._role(data))
        return []

    def _thread_key(self, data: Data) -> str:
        return f"bot:resthread:{self.tenant}:{data.get('residency_id')}"

    async def _remember(self, envelope: Envelope) -> None:
        """The question or the answer, once (a member per event), in the order they were made."""
        data = envelope.data
        asked = envelope.event_type == "residency.question_asked"
        entry = {"event": envelope.event_id, "kind": "question" if asked else "answer",
                 "text": data.get("question" if asked else "answer") or "",
                 "author": {"name": data.get("actor_name" if asked else "user_name")}}
        key = self._thread_key(data)
        member = orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)
        await self.redis.zadd(key, {member: envelope.occurred_at.timestamp()})
        await self.redis.expire(key, THREAD_TTL)

    async def _thread(self, data: Data) -> list[Data]:
        """The questions and answers seen so far; a question the bot missed comes from the event."""
        stored = await self.redis.zrange(self._thread_key(data), 0, -1)
        thread = [orjson.loads(raw) for raw in stored if isinstance(raw, bytes | str)]
        if data.get("question") and not any(item.get("kind") == "question" for item in thread):
            return []  # the event's own question and answer are shown instead
        return thread

    async def _forget(self, data: Data) -> None:
        telegram_id = data.get("user_telegram_id")
        if self.sessions is not None and telegram_id:
            await self.sessions.drop(int(telegram_id))

    async def _role(self, data: Data) -> str:
        """The user's active role now (Core), else the strongest role the event names."""
        if data.get("user_id") is not None:
            try:
                user = await self.users.get("", data["user_id"])
                return str(user.get("active_role") or "applicant")
            except ApiError as exc:
                log.info("user not readable for the menu", extra={"error": str(exc)[:200]})
        roles = data.get("roles") or []
        return next((r for r in ROLE_PRIORITY if r in roles), "applicant")
