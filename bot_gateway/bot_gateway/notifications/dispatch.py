"""Dispatch: new requests offered to the executors Core names, "taken by" once assigned, SLA warnings."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from redis.asyncio import Redis

from bot_gateway.clients.core import UserClient
from bot_gateway.i18n import N_, normalize, t
from bot_gateway.keyboards.builder import InlineKeyboardBuilder
from bot_gateway.keyboards.callback_data import RequestCb
from bot_gateway.notifications.render import (
    Data,
    Outgoing,
    Person,
    created,
    created_key,
    folded,
    message,
    person,
)
from bot_gateway.notifications.sender import PacedSender
from bot_gateway.texts import esc

log = logging.getLogger("bot.notifications")
OFFERS_TTL = 14 * 86_400  # a request nobody took for two weeks keeps its offers unanswered
LOCAL_TIME = ZoneInfo("Asia/Tashkent")
CLOCKS = {"reaction": N_("sla.clock.reaction"), "resolution": N_("sla.clock.resolution")}


def offers_key(tenant: str, number: str) -> str:
    """The Redis hash of a request's offers: chat id → `message id:language`."""
    return f"bot:offers:{tenant}:{number}"


def taken_key(offers: str) -> str:
    """Set once the request of the offers hash `offers` is taken: offers still waiting are withdrawn."""
    return f"{offers}:taken"


def take_markup(number: str, language: str) -> Any:
    """Take, and open the request."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("act.take", language), callback_data=RequestCb(action="take", number=number))
    kb.button(text=t("btn.open", language), callback_data=RequestCb(action="view", number=number))
    kb.adjust(2)
    return kb.as_markup()


def local_time(value: Any) -> str:
    """A UTC ISO-8601 time as the tenant's clock shows it."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return esc(value)
    return moment.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M")


class Dispatch:
    """Who is offered a new request, and what their offers say once someone took it."""

    def __init__(self, bot: Bot, redis: Redis, users: UserClient, sender: PacedSender, tenant: str) -> None:
        self.bot = bot
        self.redis = redis
        self.users = users
        self.sender = sender
        self.tenant = tenant

    async def executors(self, category: str) -> list[Person]:
        """Active executors of the category (Core's service-token list)."""
        page = await self.users.executors("", specialization=category)
        items = page.get("items", []) if isinstance(page, dict) else page
        return [
            Person(int(u["telegram_id"]), normalize(u.get("language"))) for u in items if u.get("telegram_id")
        ]

    async def offered(self, data: Data) -> list[Person]:
        """Who is offered the request: nobody when Core assigned it itself, else the executors the
        event names (an event from before Core named them: the category's active executors)."""
        if data.get("auto_assigned"):
            return []
        if "executors" not in data:
            return await self.executors(str(data.get("category")))
        return [
            Person(int(e["telegram_id"]), normalize(e.get("language")))
            for e in data.get("executors") or []
            if isinstance(e, dict) and e.get("telegram_id")
        ]

    async def created(self, data: Data, managers: list[Person]) -> list[Outgoing]:
        """Managers as before (told when nobody of the specialization is on shift to offer it to);
        each executor offered the request an offer with Take (one message per chat)."""
        number, actor = str(data.get("number")), data.get("actor_telegram_id")
        executors = [e for e in await self.offered(data) if e.telegram_id != actor]
        offered = {e.telegram_id for e in executors}
        told = [m for m in managers if m.telegram_id not in offered and m.telegram_id != actor]
        out = created(data, told)
        if _nobody_on_shift(data):
            for manager, outgoing in zip(told, out, strict=True):
                outgoing.text += "\n\n" + t("notif.nobody_on_shift", manager.language)
                if outgoing.fold is not None:
                    outgoing.fold.line += " " + t("notif.nobody_on_shift.short", manager.language)
        for executor in executors:
            offer = folded(message(executor, created_key(data), data), data, executor, offer=True)
            offer.markup = take_markup(number, executor.language)
            offer.track = (offers_key(self.tenant, number), executor.language)
            out.append(offer)
        return out

    async def mark_taken(self, data: Data) -> None:
        """Note that the request is taken, as soon as the event is read: its offers still waiting
        for their chat's turn (behind a flood of others) are then not sent."""
        offers = offers_key(self.tenant, str(data.get("number")))
        await self.redis.set(taken_key(offers), "1", ex=OFFERS_TTL)

    async def still_open(self, offers: str) -> bool:
        """Whether the request of the offers hash `offers` is still for the taking."""
        return not await self.redis.exists(taken_key(offers))

    async def taken(self, data: Data) -> None:
        """Every offer of the request now says who took it, without the button."""
        key = offers_key(self.tenant, str(data.get("number")))
        offers = await self.redis.hgetall(key)
        name = esc(data.get("executor_name") or "")
        for chat, value in offers.items():
            raw = value.decode() if isinstance(value, bytes) else str(value)
            message_id, _, language = raw.partition(":")
            text = t("notif.taken", normalize(language), number=esc(data.get("number")), name=name)
            await self._edit(int(chat), int(message_id), text)

    async def _edit(self, chat: int, message_id: int, text: str) -> None:
        try:
            await self.sender.send(
                chat, lambda: self.bot.edit_message_text(text, chat_id=chat, message_id=message_id)
            )
        except (TelegramBadRequest, TelegramForbiddenError) as exc:
            # already edited (a redelivered event), deleted by the user, or the bot blocked
            log.info("offer not edited", extra={"chat_id": chat, "error": str(exc)})


def _nobody_on_shift(data: Data) -> bool:
    # Core names nobody to offer it to because the tenant uses shifts and no one is on duty now.
    return not data.get("auto_assigned") and data.get("on_shift_only") is True and data.get("executors") == []


def sla_breached(data: Data, managers: list[Person]) -> list[Outgoing]:
    """The managers hear which clock ran out and when; the executor, if any, is reminded."""
    executor = person(data, "executor")
    out: dict[int, Outgoing] = {}
    for manager in managers:
        out[manager.telegram_id] = _breach(manager, N_("notif.sla.manager"), data)
    if executor is not None:
        out[executor.telegram_id] = _breach(executor, N_("notif.sla.executor"), data)
    return list(out.values())


def sla_at_risk(data: Data) -> list[Outgoing]:
    """The executor, if any, is reminded that 80 % of a clock is used and when it runs out."""
    executor = person(data, "executor")
    return [_breach(executor, N_("notif.sla.at_risk"), data)] if executor is not None else []


def _breach(who: Person, key: str, data: Data) -> Outgoing:
    clock = CLOCKS.get(str(data.get("which")), CLOCKS["resolution"])
    return message(who, key, data, clock=t(clock, who.language), due=local_time(data.get("due_at")))
