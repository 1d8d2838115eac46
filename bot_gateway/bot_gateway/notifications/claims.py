"""Send-once claims: a message to a chat is claimed before it is sent and marked sent after."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.exceptions import RedisError

SENT_TTL = 7 * 86_400
# A sender's claim lapses this long after it stops renewing it (a crash), well before the stream
# entry's last redelivery (XAUTOCLAIM every 30 s, 5 deliveries), so a crash never silences anyone.
CLAIM_TTL = 60.0
SENT = b"sent"
# Renew or release the claim only while it is still ours (a lapsed one may be another sender's now).
_RENEW = (
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
)
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class DeliveryInProgress(Exception):
    """Another sender holds the claim on this message: the entry stays pending and is retried later."""


class Claims:
    """Claims in Redis, `ttl` seconds long and renewed by their owner while it sends."""

    def __init__(self, redis: Redis, ttl: float = CLAIM_TTL) -> None:
        self.redis = redis
        self.ttl_ms = int(ttl * 1000)

    @contextlib.asynccontextmanager
    async def claim(self, key: str) -> AsyncIterator[bool]:
        """True: ours to send (marked sent on exit, released on an error); False: sent already."""
        token = b"sending:" + uuid.uuid4().hex.encode()
        if not await self.redis.set(key, token, nx=True, px=self.ttl_ms):
            if await self.redis.get(key) == SENT:
                yield False
                return
            raise DeliveryInProgress(key)  # being sent, or its sender died: retried once the claim lapses
        renewing = asyncio.create_task(self._renew(key, token))
        try:
            yield True
        except BaseException:
            renewing.cancel()
            await self.redis.eval(_RELEASE, 1, key, token)
            raise
        renewing.cancel()
        await self.redis.set(key, SENT, ex=SENT_TTL)

    async def _renew(self, key: str, token: bytes) -> None:
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            with contextlib.suppress(RedisError):  # a blip: the next renewal (or the TTL) covers it
                await self.redis.eval(_RENEW, 1, key, token, self.ttl_ms)
