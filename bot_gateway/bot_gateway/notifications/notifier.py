"""The notifier: `core.request.*` and Stripe events into paced messages, each sent once per recipient."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InputMediaPhoto
from prometheus_client import Counter
from redis.asyncio import Redis

from bot_gateway.clients.core import UserClient
from bot_gateway.i18n import normalize
from bot_gateway.notifications import payments, render, shifts
from bot_gateway.notifications.claims import CLAIM_TTL, SENT, SENT_TTL, Claims
from bot_gateway.notifications.digest import Digests
from bot_gateway.notifications.dispatch import OFFERS_TTL, Dispatch, sla_at_risk, sla_breached
from bot_gateway.notifications.people import PeopleEvents
from bot_gateway.notifications.render import Outgoing, Person
from bot_gateway.notifications.sender import PacedSender
from bot_gateway.sessions.store import SessionStore
from shared.events import Envelope
from shared.tracing import SpanKind, span

log = logging.getLogger("bot.notifications")
SKIPPED = Counter(
    "bot_notifications_skipped_total", "Stream entries the notifier acknowledged unread", ["reason"]
)
OWNER_TTL = 180 * 86_400
MANAGERS_TTL = 60.0
CAPTION_MAX = 1024  # Telegram's limit on a photo's caption


class Notifier:
    """Handles one envelope at a time (the stream consumer acknowledges it after `handle` returns)."""

    def __init__(
        self, bot: Bot, redis: Redis, users: UserClient, sender: PacedSender, *,
        tenant: str = "default", claim_ttl: float = CLAIM_TTL, sessions: SessionStore | None = None,
        on_announcement: Callable[[Envelope], Awaitable[None]] | None = None,
    ) -> None:
        self.bot = bot
        self.tenant = tenant
        self.claims = Claims(redis, claim_ttl)
        self.redis = redis
        self.users = users
        self.sender = sender
        self._managers: tuple[float, list[Person]] = (0.0, [])
        self._staff: tuple[float, list[Person]] = (0.0, [])
        self.people = PeopleEvents(users, sessions, redis, tenant)
        self.dispatch = Dispatch(bot, redis, users, sender, tenant)
        self.digests = Digests(bot, sender)
        self.on_announcement = on_announcement  # the delivery worker: wake-ups and final figures

    async def handle(self, envelope: Envelope) -> None:
        """Turn the event into messages and send those not sent yet (recipients in parallel)."""
        if envelope.tenant_id != self.tenant:
            # The streams carry every tenant's events: another tenant's bot tells its own people.
            SKIPPED.labels("other_tenant").inc()
            return
        if envelope.source == "core" and envelope.event_type.startswith("announcement."):
            if self.on_announcement is not None:
                await self.on_announcement(envelope)
            return
        results = await asyncio.gather(
            *(self.deliver(envelope, m) for m in await self.messages(envelope)), return_exceptions=True
        )
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise failed[0]  # the entry stays pending; recipients already served are not sent again

    async def noticed(self, envelope: Envelope) -> None:
        """An event seen as it is read, before its turn: a request taken withdraws its waiting offers."""
        seen = (envelope.tenant_id, envelope.source, envelope.event_type)
        if seen == (self.tenant, "core", "request.assigned"):
            await self.dispatch.mark_taken(envelope.data)

    async def messages(self, envelope: Envelope) -> list[Outgoing]:
        """Who hears what about this event."""
        kind, data = envelope.event_type, envelope.data
        if envelope.source == "core":
            await self._remember_owner(envelope)
            if kind == "request.created":
                return await self.dispatch.created(data, await self.managers())
            if kind == "request.assigned":
                await self.dispatch.taken(data)
            if kind == "request.sla_breached":
                return sla_breached(data, await self.managers())
            if kind == "request.sla_at_risk":
                return sla_at_risk(data)
            if kind == "request.status_changed" and data.get("status") == "returned":
                return [*render.status_changed(data), *render.returned(data, await self.managers())]
            if kind.startswith(("residency.", "user.")):
                staff = await self.staff() if kind in ("residency.requested", "residency.answered") else []
                return await self.people.messages(envelope, staff)
            if kind in shifts.EVENTS:
                return shifts.messages(kind, data, await self.staff() if kind in shifts.FOR_STAFF else [])
            renderer = render.CORE_RENDERERS.get(kind)
            return renderer(data) if renderer else []
        if payments.is_payment(kind):
            return await self._payment(envelope)
        return []

    async def managers(self) -> list[Person]:
        """Active managers (cached for a minute; Core's service-token user search)."""
        fetched_at, cached = self._managers
        if time.monotonic() - fetched_at < MANAGERS_TTL:
            return cached
        page = await self.users.search("", role="manager", status="active", page_size=100)
        people = [Person(int(u["telegram_id"]), normalize(u.get("language"))) for u in page.get("items", [])]
        self._managers = (time.monotonic(), people)
        return people

    async def staff(self) -> list[Person]:
        """Active managers and admins, each once (cached for a minute)."""
        fetched_at, cached = self._staff
        if time.monotonic() - fetched_at < MANAGERS_TTL:
            return cached
        people: dict[int, Person] = {}
        for role in ("manager", "admin"):
            page = await self.users.search("", role=role, status="active", page_size=100)
            for u in page.get("items", []):
                people[int(u["telegram_id"])] = Person(int(u["telegram_id"]), normalize(u.get("language")))
        self._staff = (time.monotonic(), list(people.values()))
        return self._staff[1]

    async def deliver(self, envelope: Envelope, message: Outgoing) -> None:
        """Send once: claimed (and renewed) while sending, marked after; a failure releases the claim."""
        key = f"bot:notified:{envelope.tenant_id}:{envelope.event_id}:{message.chat_id}"
        async with self.claims.claim(key) as ours:
            if not ours:
                return
            try:
                # One span per recipient, in the trace of the change the event tells of.
                with span(f"notify {envelope.event_type}", kind=SpanKind.PRODUCER,
                          attributes={"event_id": envelope.event_id, "photos": len(message.photos)}):
                    await self._send(message, key)
            except (TelegramForbiddenError, TelegramBadRequest) as exc:
                extra = {"chat_id": message.chat_id, "error": str(exc)}
                log.info("notification not deliverable", extra=extra)

    async def _send(self, message: Outgoing, key: str) -> None:
        # The photos never come before the text that explains them: one photo carries the text
        # as its caption; an album follows the text, and a retry after the album failed must not
        # send the text again.
        chat = message.chat_id
        if message.track is not None:  # an offer: one text with Take
            await self._offer(message, *message.track)
            return
        if message.fold is not None:  # a notice that may go out in its chat's next digest
            await self.digests.send(message, message.fold)
            return
        if len(message.photos) == 1 and len(message.text) <= CAPTION_MAX and await self._captioned(message):
            return
        if not await self.redis.exists(f"{key}:text"):
            await self.sender.send(
                chat, lambda: self.bot.send_message(chat, message.text, reply_markup=message.markup)
            )
            if message.photos:
                await self.redis.set(f"{key}:text", SENT, ex=SENT_TTL)
        if len(message.photos) > 1:
            media = [InputMediaPhoto(media=file_id) for file_id in message.photos]
            await self._photos(chat, lambda: self.bot.send_media_group(chat, media))  # type: ignore[arg-type]

    async def _offer(self, message: Outgoing, key_of_offers: str, language: str) -> None:
        """An offer with Take (alone, or in the chat's digest of offers), unless someone took the
        request before its turn came. One sent alone keeps its message id in `key_of_offers`, so it
        can say who took it later; a digest's Take button says so when pressed."""
        assert message.fold is not None  # every offer folds
        sent = await self.digests.send(
            message, message.fold, wanted=lambda: self.dispatch.still_open(key_of_offers)
        )
        if sent is None:
            return
        await self.redis.hset(key_of_offers, str(message.chat_id), f"{sent.message_id}:{language}")
        await self.redis.expire(key_of_offers, OFFERS_TTL)

    async def _captioned(self, message: Outgoing) -> bool:
        """The one photo with the text as its caption; False when Telegram refused the file."""
        chat, photo = message.chat_id, message.photos[0]
        return await self._photos(
            chat,
            lambda: self.bot.send_photo(chat, photo, caption=message.text, reply_markup=message.markup),
        )

    async def _photos(self, chat: int, call: Callable[[], Awaitable[Any]]) -> bool:
        try:
            await self.sender.send(chat, call)
        except TelegramBadRequest as exc:  # an unusable file id must not cost the resident the message
            log.info("notification photos not sent", extra={"chat_id": chat, "error": str(exc)})
            return False
        return True

    async def _remember_owner(self, envelope: Envelope) -> None:
        # Payment events name only the request; the resident is whoever filed it.
        applicant = render.person(envelope.data, "applicant")
        number = envelope.data.get("number")
        if applicant is not None and number:
            value = orjson.dumps({"telegram_id": applicant.telegram_id, "language": applicant.language})
            await self.redis.set(f"bot:reqowner:{envelope.tenant_id}:{number}", value, ex=OWNER_TTL)

    async def _payment(self, envelope: Envelope) -> list[Outgoing]:
        obj = payments.stripe_object(envelope.data)
        number = payments.request_number(obj)
        if number is None:
            return []
        amount, currency = payments.amount(obj)
        raw = await self.redis.get(f"bot:reqowner:{envelope.tenant_id}:{number}")
        if raw is not None:
            owner: dict[str, Any] = orjson.loads(raw)
            people = [Person(int(owner["telegram_id"]), normalize(owner.get("language")))]
        else:
            people = await self.managers()  # nobody known to tell: the office is told instead
        return [render.payment(number, amount, currency, p) for p in people]
