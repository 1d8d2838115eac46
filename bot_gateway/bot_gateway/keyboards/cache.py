"""`inline_keyboard_cache`: context for buttons whose data would not fit in 64 bytes."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.keyboards.models import InlineKeyboardCache


class KeyboardCache:
    """`put` stores a context and returns a short key; `get` returns it while it is fresh."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, tenant: str = "default",
                 ttl_seconds: int = 86_400) -> None:
        self.sessionmaker = sessionmaker
        self.tenant = tenant
        self.ttl = timedelta(seconds=ttl_seconds)

    async def put(self, context: dict[str, Any], *, telegram_id: int | None = None,
                  keyboard: dict[str, Any] | None = None, entity_type: str | None = None,
                  entity_id: str | None = None) -> str:
        """Store `context`; the key to put in callback data (12 characters)."""
        key = secrets.token_urlsafe(9)
        row = InlineKeyboardCache(
            tenant_id=self.tenant, key=key, telegram_id=telegram_id, keyboard=keyboard, context=context,
            entity_type=entity_type, entity_id=entity_id, expires_at=datetime.now(UTC) + self.ttl,
        )
        async with self.sessionmaker() as db, db.begin():
            db.add(row)
        return key

    async def get(self, key: str, telegram_id: int | None = None) -> dict[str, Any] | None:
        """The context for `key`, or None when unknown, expired or someone else's."""
        async with self.sessionmaker() as db:
            row = await db.scalar(select(InlineKeyboardCache).where(
                InlineKeyboardCache.tenant_id == self.tenant, InlineKeyboardCache.key == key,
                InlineKeyboardCache.expires_at > datetime.now(UTC)))
        if row is None or (telegram_id is not None and row.telegram_id not in (None, telegram_id)):
            return None
        return dict(row.context)
