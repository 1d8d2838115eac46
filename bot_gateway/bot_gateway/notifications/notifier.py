"""The notifier: `core.request.*` and Stripe events into paced messages, each sent once per recipient."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any

import orjson
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InputMediaPhoto
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot_gateway.clients.core import UserClient
from bot_gateway.i18n import normalize
from bot_gateway.notifications import payments, render
from bot_gateway.notifications.render import Outgoing, Person
from bot_gateway.notifications.sender import PacedSender
from shared.events import Envelope

log = logging.getLogger("bot.notifications")
SKIPPED = Counter(
    "bot_notifications_skipped_total", "Stream entries the notifier acknowledged unread", ["reason"]
)
SENT_TTL = 7 * 86_400
# A sender's claim lapses this long after it stops renewing it (a crash), well before the stream
# entry's last redelivery (XAUTOCLAIM every 30 s, 5 deliveries), so a crash never silences anyone.
CLAIM_TTL = 60.0
SENT = b"sent"
# Renew the claim only while it is still ours (a lapsed claim may belong to another sender now).
_RENEW = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
)
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
OWNER_TTL = 180 * 86_400
MANAGERS_TTL = 60.0


class DeliveryInProgress(Exception):
    """Another sender holds the claim on this message: the entry stays pending and is retried later."""


class Notifier:
    """Handles one envelope at a time (the stream consumer acknowledges it after `handle` returns)."""

    def __init__(
        self, bot: Bot, redis: Redis, users: UserClient, sender: PacedSender, *,
        tenant: str = "default", claim_ttl: float = CLAIM_TTL,
    ) -> None:
        self.bot = bot
        self.tenant = tenant
        self.claim_ttl = claim_ttl
        self.redis = redis
        self.users = users
        self.sender = sender
        self._managers: tuple[float, list[Person]] = (0.0, [])

    async def handle(self, envelope: Envelope) -> None:
        """Turn the event into messages and send those not sent yet (recipients in parallel)."""
        if envelope.tenant_id != self.tenant:
            # The streams carry every tenant's events: another tenant's bot tells its own people.
            SKIPPED.labels("other_tenant").inc()
            return
        results = await asyncio.gather(
            *(self.deliver(envelope, m) for m in await self.messages(envelope)), return_exceptions=True
        )
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise failed[0]  # the entry stays pending; recipients already served are not sent again

    async def messages(self, envelope: Envelope) -> list[Outgoing]:
        """Who hears what about this event."""
        kind, data = envelope.event_type, envelope.data
        if envelope.source == "core":
            await self._remember_owner(envelope)
            if kind == "request.created":
                return render.created(data, await self.managers())
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

    async def deliver(self, envelope: Envelope, message: Outgoing) -> None:
        """Send once: a claim (renewed while sending) before, a mark after; a failure releases the claim."""
        key = f"bot:notified:{envelope.tenant_id}:{envelope.event_id}:{message.chat_id}"
        token = b"sending:" + uuid.uuid4().hex.encode()
        if not await self.redis.set(key, token, nx=True, px=int(self.claim_ttl * 1000)):
            if await self.redis.get(key) == SENT:
                return
            raise DeliveryInProgress(key)  # being sent, or its sender died: retried once the claim lapses
        renewing = asyncio.create_task(self._renew(key, token))
        try:
            await self._send(message, key)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            log.info("notification not deliverable", extra={"chat_id": message.chat_id, "error": str(exc)})
        except BaseException:
            renewing.cancel()
            await self.redis.eval(_RELEASE, 1, key, token)
            raise
        finally:
            renewing.cancel()
        await self.redis.set(key, SENT, ex=SENT_TTL)

    async def _renew(self, key: str, token: bytes) -> None:
        while True:
            await asyncio.sleep(self.claim_ttl / 3)
            with contextlib.suppress(RedisError):  # a blip: the next renewal (or the TTL) covers it
                await self.redis.eval(_RENEW, 1, key, token, int(self.claim_ttl * 1000))

    async def _send(self, message: Outgoing, key: str) -> None:
        chat = message.chat_id
        if message.photos and not await self.redis.exists(f"{key}:photos"):
            await self._send_photos(message)
            # A retry after the text failed must not send the photos again.
            await self.redis.set(f"{key}:photos", SENT, ex=SENT_TTL)
        await self.sender.send(
            chat, lambda: self.bot.send_message(chat, message.text, reply_markup=message.markup)
        )

    async def _send_photos(self, message: Outgoing) -> None:
        chat = message.chat_id
        try:
            if len(message.photos) == 1:
                await self.sender.send(chat, lambda: self.bot.send_photo(chat, message.photos[0]))
            else:
                media = [InputMediaPhoto(media=file_id) for file_id in message.photos]
                await self.sender.send(chat, lambda: self.bot.send_media_group(chat, media))  # type: ignore[arg-type]
        except TelegramBadRequest as exc:  # an unusable file id must not cost the resident the message
            log.info("notification photos not sent", extra={"chat_id": chat, "error": str(exc)})

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
