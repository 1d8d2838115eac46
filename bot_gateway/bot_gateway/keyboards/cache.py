"""`inline_keyboard_cache`: callback data over Telegram's 64 bytes, kept in PostgreSQL under a short key.

A button then carries `k:<key>`; the callback-cache middleware swaps it back before any handler runs.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.keyboards.models import InlineKeyboardCache

MAX_CALLBACK_BYTES = 64
PREFIX = "k:"


class KeyboardCache:
    """`pack` keeps long callback data and returns what fits in a button; `resolve` reads it back."""

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

    async def pack(
        self, data: str, *, telegram_id: int | None = None, entity: tuple[str, str] | None = None
    ) -> str:
        """`data` itself when it fits in a button, else `k:<key>` of a stored copy."""
        if len(data.encode()) <= MAX_CALLBACK_BYTES:
            return data
        entity_type, entity_id = entity or (None, None)
        key = await self.put({"data": data}, telegram_id=telegram_id, entity_type=entity_type,
                             entity_id=entity_id)
        return PREFIX + key

    async def resolve(self, key: str, telegram_id: int | None) -> str | None:
        """The full data behind `key` (for this user), or None when unknown or expired."""
        context = await self.get(key, telegram_id)
        data = context.get("data") if context else None
        return data if isinstance(data, str) else None
