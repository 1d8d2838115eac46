"""The author's progress message of an announcement: edited as outcomes come in, final on `finished`.

The message is remembered in Redis (a hash per announcement) when the author confirms, so every
replica's delivery worker adds its outcomes to the same counts and may edit it; edits are at most
one per `every` seconds (a Redis key with that expiry elects the editor), and the final figures
come from Core's `announcement.finished` event, after which no progress edit is made.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from redis.asyncio import Redis

from bot_gateway.i18n import normalize, t, tn
from bot_gateway.notifications.sender import PacedSender

log = logging.getLogger("bot.notifications.progress")
PROGRESS_TTL = 7 * 86_400
EDIT_EVERY = 3.0
OUTCOMES = ("sent", "failed", "blocked")


def progress_key(tenant: str, announcement_id: int | str) -> str:
    """The Redis hash of one announcement's progress message and counts."""
    return f"bot:announce:{tenant}:{announcement_id}"


def progress_text(language: str, total: int, counts: dict[str, int]) -> str:
    """ "Sending: sent 340 of 2000 · failed 0 · blocked the bot 3"."""
    return tn("ann.progress", total, language, **{k: counts.get(k, 0) for k in OUTCOMES})


def final_text(language: str, data: dict[str, Any]) -> str:
    """The final figures of a finished announcement."""
    return t("ann.finished", language, **{k: int(data.get(k) or 0) for k in ("recipients", *OUTCOMES)})


async def remember(
    redis: Redis,
    tenant: str,
    announcement_id: int,
    *,
    chat_id: int,
    message_id: int,
    language: str,
    total: int,
) -> None:
    """Keep where the author's progress message is (called when the announcement is published)."""
    key = progress_key(tenant, announcement_id)
    await redis.hset(
        key,
        mapping={
            "chat": chat_id,
            "message": message_id,
            "language": language,
            "total": total,
        },
    )
    await redis.expire(key, PROGRESS_TTL)


class Progress:
    """Counts outcomes per announcement and keeps the author's message up to date."""

    def __init__(
        self, bot: Bot, redis: Redis, sender: PacedSender, *, tenant: str, every: float = EDIT_EVERY
    ) -> None:
        self.bot, self.redis, self.sender, self.tenant = bot, redis, sender, tenant
        self.every_ms = int(every * 1000)

    async def counted(self, outcomes: list[tuple[int, str]]) -> None:
        """Add reported outcomes `(announcement_id, outcome)`; edit each message if its turn came."""
        by_announcement: dict[int, Counter[str]] = {}
        for announcement_id, outcome in outcomes:
            by_announcement.setdefault(announcement_id, Counter())[outcome] += 1
        for announcement_id, counts in by_announcement.items():
            key = progress_key(self.tenant, announcement_id)
            if not await self.redis.exists(key):
                continue  # published elsewhere (another bot, the API): nobody waits for a message here
            async with self.redis.pipeline(transaction=True) as pipe:
                for outcome, n in counts.items():
                    pipe.hincrby(key, outcome, n)
                await pipe.execute()
            if await self.redis.set(f"{key}:edit", b"1", nx=True, px=self.every_ms):
                await self._edit(key, final=None)

    async def finished(self, data: dict[str, Any]) -> None:
        """`announcement.finished`: the final figures, in the message or (lost) a new one."""
        key = progress_key(self.tenant, data.get("announcement_id", ""))
        await self.redis.hset(key, "done", 1)
        await self.redis.expire(key, PROGRESS_TTL)
        if not await self._edit(key, final=data):
            chat = data.get("author_telegram_id")
            if chat:
                text = final_text(normalize(data.get("author_language")), data)
                await self._quietly(int(chat), lambda: self.bot.send_message(int(chat), text))

    async def _edit(self, key: str, *, final: dict[str, Any] | None) -> bool:
        raw = await self.redis.hgetall(key)
        record = {_text(k): _text(v) for k, v in raw.items()}
        if "message" not in record or (final is None and record.get("done")):
            return False
        chat, message_id, language = (
            int(record["chat"]),
            int(record["message"]),
            normalize(record.get("language")),
        )
        if final is not None:
            text = final_text(language, final)
        else:
            total = int(record.get("total") or 0)
            counts = {k: min(int(record.get(k) or 0), total) for k in OUTCOMES}
            text = progress_text(language, total, counts)
        return await self._quietly(
            chat, lambda: self.bot.edit_message_text(text, chat_id=chat, message_id=message_id)
        )

    async def _quietly(self, chat: int, call: Any) -> bool:
        try:
            await self.sender.send(chat, call)
        except TelegramBadRequest as exc:
            # "message is not modified" is as good as an edit; a deleted message is not.
            return "not modified" in str(exc)
        except TelegramForbiddenError:
            return True  # the author blocked the bot: nobody to tell
        return True


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
