"""An atomic sliding-window rate limiter on Redis (one round trip, keys always expire)."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.batching import Coalescer, Overloaded

log = logging.getLogger("ratelimit")
RATE_LIMITED = Counter("rate_limit_hits_total", "Calls refused by a rate limiter", ["limiter"])
RATE_LIMIT_FAIL_OPEN = Counter(
    "rate_limit_fail_open_total", "Calls let through because Redis was down", ["limiter"]
)

# Weighted two-window counter: count = previous * (1 - elapsed) + current. The increment and the
# expiry are set in the same script, so a counter can never be left without a TTL. One call checks
# a batch of hits in order (KEYS[i] with ARGV window, limit, cost), so concurrent callers share a
# round trip and a later hit on the same key sees the earlier ones.
_SCRIPT = """
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS do
  local window = tonumber(ARGV[i * 3 - 1])
  local limit = tonumber(ARGV[i * 3])
  local cost = tonumber(ARGV[i * 3 + 1])
  local index = math.floor(now / window)
  local current_key = KEYS[i] .. ':' .. index
  local current = tonumber(redis.call('GET', current_key) or '0')
  local previous = tonumber(redis.call('GET', KEYS[i] .. ':' .. (index - 1)) or '0')
  local elapsed = (now - index * window) / window
  local used = previous * (1 - elapsed) + current
  if used + cost > limit then
    local retry = window - (now - index * window)
    if previous > 0 and current + cost <= limit then
      retry = math.min(retry, window * ((used + cost - limit) / previous))
    end
    out[#out + 1] = 0
    out[#out + 1] = math.floor(used)
    out[#out + 1] = tostring(retry)
  else
    redis.call('INCRBY', current_key, cost)
    redis.call('PEXPIRE', current_key, window * 2)
    out[#out + 1] = 1
    out[#out + 1] = math.floor(used + cost)
    out[#out + 1] = '0'
  end
end
return out
"""

# Several windows at once (e.g. per minute and per hour): all are checked, and only when every one
# allows the call are all of them counted, so a refused call never uses up another window.
_MULTI_SCRIPT = """
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local out = {}
local ok = true
local current_keys = {}
for i = 1, #KEYS do
  local window = tonumber(ARGV[1 + i * 2])
  local limit = tonumber(ARGV[2 + i * 2])
  local index = math.floor(now / window)
  local current_key = KEYS[i] .. ':' .. index
  local current = tonumber(redis.call('GET', current_key) or '0')
  local previous = tonumber(redis.call('GET', KEYS[i] .. ':' .. (index - 1)) or '0')
  local elapsed = (now - index * window) / window
  local used = previous * (1 - elapsed) + current
  current_keys[i] = current_key
  if used + cost > limit then
    ok = false
    local retry = window - (now - index * window)
    if previous > 0 and current + cost <= limit then
      retry = math.min(retry, window * ((used + cost - limit) / previous))
    end
    out[#out + 1] = 0
    out[#out + 1] = math.floor(used)
    out[#out + 1] = tostring(retry)
  else
    out[#out + 1] = 1
    out[#out + 1] = math.floor(used + cost)
    out[#out + 1] = '0'
  end
end
if ok then
  for i = 1, #KEYS do
    redis.call('INCRBY', current_keys[i], cost)
    redis.call('PEXPIRE', current_keys[i], tonumber(ARGV[1 + i * 2]) * 2)
  end
end
return out
"""


# One counted call: key, limit, window in milliseconds, cost.
Hit = tuple[str, int, int, int]


@dataclass(frozen=True, slots=True)
class Decision:
    """The limiter's answer: allowed, usage in the window, seconds to wait when refused."""

    allowed: bool
    used: int
    limit: int
    retry_after: float

    @property
    def retry_after_header(self) -> str:
        """`Retry-After` in whole seconds, at least 1."""
        return str(max(1, math.ceil(self.retry_after)))


class RateLimiter:
    """`hit(key, limit, window)` counts one call and says whether it may proceed.

    `linger` (seconds) lets hits that arrive close together share one round trip.
    """

    def __init__(self, redis: Redis, name: str, *, fail_open: bool = True, linger: float = 0.0) -> None:
        self.redis = redis
        self.name = name
        self.fail_open = fail_open
        self._script = redis.register_script(_SCRIPT)
        self._multi = redis.register_script(_MULTI_SCRIPT)
        self._batch: Coalescer[Hit, Decision] = Coalescer(self._hit_batch, max_batch=500, linger=linger)

    async def hit(self, key: str, limit: int, window_seconds: float, cost: int = 1) -> Decision:
        """Count `cost` against `key`; refused calls are not counted.

        Concurrent hits share one Redis round trip (a batch, checked in arrival order).
        """
        try:
            return await self._batch.submit((key, limit, int(window_seconds * 1000), cost))
        except Overloaded as exc:  # Redis is not keeping up: the same as Redis down
            if not self.fail_open:
                raise
            RATE_LIMIT_FAIL_OPEN.labels(self.name).inc()
            log.warning("rate limiter failing open", extra={"limiter": self.name, "error": str(exc)})
            return Decision(True, 0, limit, 0.0)

    async def _hit_batch(self, hits: list[Hit]) -> list[Decision | BaseException]:
        args: list[int] = [int(time.time() * 1000)]
        for _, limit, window_ms, cost in hits:
            args += [window_ms, limit, cost]
        try:
            flat = await self._script(keys=[f"rl:{self.name}:{hit[0]}" for hit in hits], args=args)
        except RedisError as exc:
            if not self.fail_open:
                raise
            RATE_LIMIT_FAIL_OPEN.labels(self.name).inc(len(hits))
            log.warning("rate limiter failing open", extra={"limiter": self.name, "error": str(exc)})
            return [Decision(True, 0, limit, 0.0) for _, limit, _, _ in hits]
        decisions: list[Decision | BaseException] = []
        for i, (_, limit, _, _) in enumerate(hits):
            decision = Decision(bool(flat[i * 3]), int(flat[i * 3 + 1]), limit, float(flat[i * 3 + 2]) / 1000)
            if not decision.allowed:
                RATE_LIMITED.labels(self.name).inc()
            decisions.append(decision)
        return decisions

    async def hit_all(self, windows: list[tuple[str, int, float]], cost: int = 1) -> list[Decision]:
        """Count `cost` against every `(key, limit, window_seconds)` only if all allow (one round trip)."""
        args: list[int] = [int(time.time() * 1000), cost]
        for _, limit, seconds in windows:
            args += [int(seconds * 1000), limit]
        try:
            flat = await self._multi(keys=[f"rl:{self.name}:{key}" for key, _, _ in windows], args=args)
        except RedisError as exc:
            if not self.fail_open:
                raise
            RATE_LIMIT_FAIL_OPEN.labels(self.name).inc()
            log.warning("rate limiter failing open", extra={"limiter": self.name, "error": str(exc)})
            return [Decision(True, 0, limit, 0.0) for _, limit, _ in windows]
        decisions = [
            Decision(bool(flat[i * 3]), int(flat[i * 3 + 1]), windows[i][1], float(flat[i * 3 + 2]) / 1000)
            for i in range(len(windows))
        ]
        if not all(d.allowed for d in decisions):
            RATE_LIMITED.labels(self.name).inc()
        return decisions

    async def usage(self, key: str, window_seconds: float) -> int:
        """Calls counted against `key` in the current sliding window."""
        window_ms = int(window_seconds * 1000)
        now = int(time.time() * 1000)
        index = now // window_ms
        base = f"rl:{self.name}:{key}"
        current, previous = await self.redis.mget(f"{base}:{index}", f"{base}:{index - 1}")
        elapsed = (now - index * window_ms) / window_ms
        return int(int(previous or 0) * (1 - elapsed) + int(current or 0))
