"""The double-tap guard of every flow that ends in a Confirm: one flow submits one thing (a
request, an apartment application, an announcement), however often the button is tapped.

A timeout or 5xx after the submission went out leaves it unknown whether Core took it: the flow's
lock then turns into an `uncertain:<since>` mark and the next confirm first looks for what this
user submitted since then with the same content. Only an idempotency key in Core would close the
gap completely (a submission taken but not yet visible, or two identical ones meant on purpose).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from redis.exceptions import RedisError

from bot_gateway.clients.errors import BackendUnavailable
from bot_gateway.context import Context

log = logging.getLogger("bot.flows.once")
T = TypeVar("T")
LOCK_TTL = 120
UNCERTAIN_TTL = 3600  # as long as the flow's FSM data lives
CLOCK_SLACK = timedelta(minutes=2)  # the bot's and Core's clocks may differ a little
# Take the lock if free, or if a previous attempt's outcome is unknown (answering its mark).
_LOCK = """
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 10) ~= 'uncertain:' then return false end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
return v or ''
"""


class SubmitKeys:
    """Redis keys that make one flow file one thing (a request; `kind` names others): a lock
    while sending, then its number."""

    def __init__(self, ctx: Context, flow: str, kind: str = "newreq") -> None:
        self.redis = ctx.redis
        self.base = f"bot:{kind}:{ctx.session.telegram_id}:{flow}"
        self.uncertain_since: float | None = None

    async def attempt(self, submit: Callable[[], Awaitable[T]]) -> T:
        """`submit()` under the lock taken by `lock()`: an unknown outcome (Core unreachable or 5xx)
        leaves the `uncertain` mark for the next confirm; any other failure, a refusal included,
        lets a retry through. The flow's state is kept either way."""
        started = time.time()
        try:
            return await submit()
        except BackendUnavailable:
            await self.uncertain(started)
            raise
        except BaseException:
            await self.unlock()
            raise

    async def lock(self) -> bool:
        """True for the first tap; later taps while it is being filed get False."""
        try:
            mark = await self.redis.eval(_LOCK, 1, f"{self.base}:lock", LOCK_TTL)
        except RedisError:
            log.warning("double-tap guard unavailable (Redis down); relying on the FSM state")
            return True
        if mark is None:
            return False
        mark = mark.decode() if isinstance(mark, bytes) else str(mark)
        self.uncertain_since = float(mark.split(":", 1)[1]) if mark else None
        return True

    async def unlock(self) -> None:
        """Let a retry through after a failure."""
        try:
            await self.redis.delete(f"{self.base}:lock")
        except RedisError:
            return

    async def uncertain(self, since: float) -> None:
        """The attempt begun at `since` may have been filed: the next confirm looks before filing."""
        since = min(since, self.uncertain_since or since)
        try:
            await self.redis.set(f"{self.base}:lock", f"uncertain:{since}".encode(), ex=UNCERTAIN_TTL)
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
