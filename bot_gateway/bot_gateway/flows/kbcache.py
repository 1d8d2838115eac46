"""Callback data over 64 bytes: kept in `inline_keyboard_cache`, the button carries `k:<key>`."""

from __future__ import annotations

from bot_gateway.keyboards.cache import KeyboardCache

MAX_CALLBACK_BYTES = 64
PREFIX = "k:"


class CallbackPacker:
    """Long callback data goes through the foundation's `KeyboardCache` (the table's rows)."""

    def __init__(self, cache: KeyboardCache) -> None:
        self.cache = cache

    async def pack(
        self, data: str, *, telegram_id: int | None = None, entity: tuple[str, str] | None = None
    ) -> str:
        """`data` itself when it fits in a button, else `k:<key>` of a stored copy."""
        if len(data.encode()) <= MAX_CALLBACK_BYTES:
            return data
        key = await self.cache.put(
            {"data": data},
            telegram_id=telegram_id,
            entity_type=entity[0] if entity else None,
            entity_id=entity[1] if entity else None,
        )
        return PREFIX + key

    async def resolve(self, key: str, telegram_id: int | None) -> str | None:
        """The full data behind `key` (for this user), or None when unknown or expired."""
        context = await self.cache.get(key, telegram_id)
        data = context.get("data") if context else None
        return data if isinstance(data, str) else None
