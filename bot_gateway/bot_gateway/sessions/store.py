"""Sessions in Redis (fast path) backed by `bot_sessions` (survives Redis), tokens encrypted."""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway import prefetch
from bot_gateway.sessions.models import BotSession
from bot_gateway.sessions.schemas import UserSession
from shared.crypto import SecretBox

log = logging.getLogger("bot.sessions")
# Tokens decrypted per process: every update reads its sender's session, and Fernet's check and
# decryption of its two tokens cost more than the rest of reading it; a ciphertext always decrypts
# to the same plaintext, so the cache is never stale.
DECRYPTED_TOKENS = 8192


_KEY = ("tenant_id", "bot_id", "telegram_id")
# Built once (values bound at execution): the read of every update that misses Redis, the write of
# every sign-in; building them per call cost more CPU than running them.
_LIVE = select(BotSession).where(
    BotSession.tenant_id == bindparam("tenant_id"), BotSession.bot_id == bindparam("bot_id"),
    BotSession.telegram_id == bindparam("telegram_id"), BotSession.expires_at > bindparam("now"),
)


@lru_cache(maxsize=8)
def _upsert(columns: tuple[str, ...]) -> Insert:
    """A session's row written with `columns` (an update sets all but the key), once per set."""
    stmt = insert(BotSession)
    changed = {name: stmt.excluded[name] for name in columns if name not in _KEY}
    return stmt.on_conflict_do_update(index_elements=list(_KEY), set_=changed)


def _ts(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


class SessionStore:
    """Read and write user sessions; Redis failures fall back to the database."""

    def __init__(
        self, redis: Redis, sessionmaker: async_sessionmaker[AsyncSession], box: SecretBox, *,
        bot_id: int, tenant: str = "default",
    ) -> None:
        self.redis = redis
        self.sessionmaker = sessionmaker
        self.box = box
        self.bot_id = bot_id
        self.tenant = tenant
        self._decrypt = lru_cache(maxsize=DECRYPTED_TOKENS)(box.decrypt)

    def key(self, telegram_id: int) -> str:
        """The Redis key of a user's session."""
        return f"bot:session:{self.tenant}:{self.bot_id}:{telegram_id}"

    async def cached(self, telegram_id: int) -> UserSession | None:
        """The session from Redis (as read with the update's lock, the first time in an update), or
        None (also when Redis is down or the key is not ours)."""
        found, raw = prefetch.take(self.key(telegram_id))
        if not found:
            try:
                raw = await self.redis.get(self.key(telegram_id))
            except RedisError as exc:
                log.warning("session cache unavailable", extra={"error": str(exc)})
                return None
        if raw is None:
            return None
        try:
            return self._decode(orjson.loads(raw))
        except (ValueError, KeyError):
            return None

    async def cached_language(self, telegram_id: int) -> str | None:
        """The cached session's language, for messages sent before auth runs."""
        session = await self.cached(telegram_id)
        return session.language if session else None

    async def load(self, telegram_id: int) -> UserSession | None:
        """The unexpired session from `bot_sessions`, or None."""
        params = {"tenant_id": self.tenant, "bot_id": self.bot_id, "telegram_id": telegram_id,
                  "now": datetime.now(UTC)}
        async with self.sessionmaker() as db:
            row = await db.scalar(_LIVE, params)
        if row is None:
            return None
        try:
            return self._from_row(row)
        except ValueError:
            log.warning("stored session cannot be decrypted; signing in again")
            return None

    async def save(self, session: UserSession, *, chat_id: int | None = None, username: str | None = None,
                   fsm_state: str | None = None) -> UserSession:
        """Upsert the row and refresh the Redis copy; the session as saved."""
        session = session.model_copy(update={"touched_at": time.time()})
        values = self._row_values(session, chat_id, username, fsm_state)
        # A chat or username not given keeps the one stored (a new row: none yet).
        values = {k: v for k, v in values.items() if v is not None or k not in ("chat_id", "username")}
        values["updated_at"] = _ts(time.time())
        async with self.sessionmaker() as db, db.begin():
            await db.execute(_upsert(tuple(values)), values)
        await self.cache(session)
        return session

    async def cache(self, session: UserSession) -> None:
        """Write the Redis copy with the session's remaining lifetime (best effort)."""
        ttl = max(1, int(session.expires_at - time.time()))
        prefetch.forget(self.key(session.telegram_id))
        try:
            await self.redis.set(self.key(session.telegram_id), orjson.dumps(self._encode(session)), ex=ttl)
        except RedisError as exc:
            log.warning("session cache write failed", extra={"error": str(exc)})

    async def drop(self, telegram_id: int) -> None:
        """Forget the session everywhere (next update signs in again)."""
        prefetch.forget(self.key(telegram_id))
        async with self.sessionmaker() as db, db.begin():
            row = await db.scalar(select(BotSession).where(
                BotSession.tenant_id == self.tenant, BotSession.bot_id == self.bot_id,
                BotSession.telegram_id == telegram_id))
            if row is not None:
                await db.delete(row)
        with contextlib.suppress(RedisError):
            await self.redis.delete(self.key(telegram_id))

    def _encode(self, session: UserSession) -> dict[str, Any]:
        data = session.model_dump()
        data["access_token"] = self.box.encrypt(session.access_token)
        data["refresh_token"] = self.box.encrypt(session.refresh_token)
        return data

    def _decode(self, data: dict[str, Any]) -> UserSession:
        data["access_token"] = self._decrypt(data["access_token"])
        data["refresh_token"] = self._decrypt(data["refresh_token"])
        return UserSession.model_validate(data)

    def _row_values(self, s: UserSession, chat_id: int | None, username: str | None,
                    fsm_state: str | None) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant, "bot_id": self.bot_id, "telegram_id": s.telegram_id,
            "chat_id": chat_id, "username": username, "core_user_id": s.core_user_id,
            "access_token": self.box.encrypt(s.access_token),
            "refresh_token": self.box.encrypt(s.refresh_token),
            "access_expires_at": _ts(s.access_expires_at), "role": s.role, "roles": s.roles,
            "language": s.language, "status": s.status, "user_data": s.user, "fsm_state": fsm_state,
            "expires_at": _ts(s.expires_at), "last_activity_at": _ts(s.touched_at),
        }

    def _from_row(self, row: BotSession) -> UserSession:
        return UserSession(
            telegram_id=row.telegram_id, core_user_id=row.core_user_id,
            access_token=self.box.decrypt(row.access_token),
            refresh_token=self.box.decrypt(row.refresh_token),
            access_expires_at=row.access_expires_at.timestamp(), role=row.role, roles=row.roles,
            language=row.language, status=row.status, user=row.user_data,
            expires_at=row.expires_at.timestamp(), touched_at=row.last_activity_at.timestamp(),
        )
