"""The double-tap guard of the new-request flow: one flow files one request."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from bot_gateway.flows.context import FlowContext

log = logging.getLogger("bot.flows.new_request")


class SubmitKeys:
    """Redis keys that make one flow file one request: a lock while sending, then its number."""

    def __init__(self, ctx: FlowContext, flow: str) -> None:
        self.redis = ctx.redis
        self.base = f"bot:newreq:{ctx.session.telegram_id}:{flow}"

    async def lock(self) -> bool:
        """True for the first tap; later taps while it is being filed get False."""
        try:
            return bool(await self.redis.set(f"{self.base}:lock", b"1", nx=True, ex=120))
        except RedisError:
            log.warning("double-tap guard unavailable (Redis down); relying on the FSM state")
            return True

    async def unlock(self) -> None:
        """Let a retry through after a failure."""
        try:
            await self.redis.delete(f"{self.base}:lock")
        except RedisError:
            return

    async def remember(self, number: str) -> None:
        """Keep the number for late taps."""
        try:
            await self.redis.set(f"{self.base}:number", number.encode(), ex=86_400)
        except RedisError:
            return

    async def number(self) -> str | None:
        """The number this flow filed, if any."""
        try:
            raw = await self.redis.get(f"{self.base}:number")
        except RedisError:
            return None
        return raw.decode() if isinstance(raw, bytes) else raw
