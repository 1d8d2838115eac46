"""An atomic sliding-window rate limiter on Redis (one round trip, keys always expire)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.crc import key_slot
from redis.exceptions import NoScriptError, RedisError

from shared.batching import Coalescer, Overloaded
from shared.redis import is_cluster

log = logging.getLogger("ratelimit")
RATE_LIMITED = Counter("rate_limit_hits_total", "Calls refused by a rate limiter", ["limiter"])
RATE_LIMIT_FAIL_OPEN = Counter(
    "rate_limit_fail_open_total", "Calls let through because Redis was down", ["limiter"]
)

# Weighted two-window counter: count = previous * (1 - elapsed) + current. The increment and the
# expiry are set in the same script, so a counter can never be left without a TTL.
# One script run decides a batch of calls in order, so concurrent callers share a round trip and a
# later call on a key sees the earlier ones. ARGV: now, then per call its number of windows n, its
# cost, and n (window ms, limit) pairs; KEYS: every call's window keys in the same order. A call is
# counted in all its windows only if every one allows it, so a refusal never uses up another window.
# On a Redis Cluster every key of one run must hash to one slot: see `counter_key`.
_SCRIPT = """
local now = tonumber(ARGV[1])
local out = {}
local a, k = 2, 1
while a <= #ARGV do
  local n, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local ok, counted = true, {}
  for i = 1, n do
    local window, limit = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
    local key = KEYS[k]
    a, k = a + 2, k + 1
    local index = math.floor(now / window)
    local current_key = key .. ':' .. index
    local current = tonumber(redis.call('GET', current_key) or '0')
    local previous = tonumber(redis.call('GET', key .. ':' .. (index - 1)) or '0')
    local used = previous * (1 - (now - index * window) / window) + current
    counted[i] = {current_key, window}
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
    for i = 1, n do
      redis.call('INCRBY', counted[i][1], cost)
      redis.call('PEXPIRE', counted[i][1], counted[i][2] * 2)
    end
  end
end
return out
"""

# One call: its windows as (key, limit, window ms), and its cost.
Call = tuple[tuple[tuple[str, int, int], ...], int]


def _call(windows: Sequence[tuple[str, int, float]], cost: int) -> Call:
    return tuple((key, limit, int(seconds * 1000)) for key, limit, seconds in windows), cost


def counter_key(limiter: str, key: str) -> str:
    """The Redis key (without the window index) counting `key`: `rl:{limiter:owner}:rest`.

    The owner, the key up to its first `:` (a user, a tenant, a provider), is the hash tag, so the
    windows of one call (`hit_all`), which share their owner, are counted in one cluster slot.
    """
    owner, colon, rest = key.partition(":")
    return f"rl:{{{limiter}:{owner}}}{colon}{rest}"


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

    Concurrent calls share one Redis round trip (a batch, decided in arrival order); `linger`
    (seconds) holds a batch open that long for calls arriving close together.
    """

    def __init__(self, redis: Redis, name: str, *, fail_open: bool = True, linger: float = 0.0) -> None:
        self.redis = redis
        self.name = name
        self.fail_open = fail_open
        self._script = redis.register_script(_SCRIPT)
        self._cluster = is_cluster(redis)
        self._batch: Coalescer[Call, list[Decision]] = Coalescer(self._decide, max_batch=500, linger=linger)

    async def hit(self, key: str, limit: int, window_seconds: float, cost: int = 1) -> Decision:
        """Count `cost` against `key`; refused calls are not counted."""
        return (await self.hit_all([(key, limit, window_seconds)], cost))[0]

    async def hit_all(self, windows: Sequence[tuple[str, int, float]], cost: int = 1) -> list[Decision]:
        """Count `cost` against every `(key, limit, window_seconds)` only if all allow."""
        call = _call(windows, cost)
        try:
            return await self._batch.submit(call)
        except Overloaded as exc:  # Redis is not keeping up: the same as Redis down
            return self._let_through(exc, [call])[0]

    def count_in(self, pipe: Pipeline, windows: Sequence[tuple[str, int, float]], cost: int = 1) -> Call:
        """Queue `hit_all(windows, cost)` on the caller's pipeline (its round trip, not one of its own);
        `decided` reads the answer from the pipeline's reply. Not on a cluster, where a pipeline
        may span nodes while a script runs on one slot."""
        call = _call(windows, cost)
        keys, args = self._request([call])
        pipe.execute_command("EVALSHA", self._script.sha, len(keys), *keys, *args)
        return call

    def decided(self, call: Call, reply: Any) -> list[Decision] | None:
        """The answer to a call queued with `count_in`; None when its reply is an error (the script
        not loaded since Redis restarted): nothing was counted, so count it with `hit_all`."""
        if isinstance(reply, Exception):
            return None
        answer = self._answers([call], reply)[0]
        return answer if isinstance(answer, list) else None

    async def _decide(self, calls: list[Call]) -> list[list[Decision] | BaseException]:
        if not self._cluster:
            try:
                keys, args = self._request(calls)
                return self._answers(calls, await self._script(keys=keys, args=args))
            except RedisError as exc:
                return list(self._let_through(exc, calls))
        # A cluster runs a script on one slot: one run per slot, all in one pipeline (a round trip
        # per node, however many slots), answers in arrival order.
        slots: dict[int, list[int]] = {}
        for index, (windows, _) in enumerate(calls):
            slots.setdefault(key_slot(counter_key(self.name, windows[0][0]).encode()), []).append(index)
        groups = [[calls[i] for i in indexes] for indexes in slots.values()]
        try:
            replies = await self._pipelined([self._request(group) for group in groups])
        except RedisError as exc:
            return list(self._let_through(exc, calls))
        answers: list[list[Decision] | BaseException] = [[] for _ in calls]
        for indexes, group, reply in zip(slots.values(), groups, replies, strict=True):
            decided = (self._let_through(reply, group) if isinstance(reply, Exception)
                       else self._answers(group, reply))
            for index, answer in zip(indexes, decided, strict=True):
                answers[index] = answer
        return answers

    def _request(self, calls: list[Call]) -> tuple[list[str], list[int]]:
        """The script's KEYS and ARGV for `calls`."""
        args: list[int] = [int(time.time() * 1000)]
        keys: list[str] = []
        for windows, cost in calls:
            args += [len(windows), cost]
            for key, limit, window_ms in windows:
                args += [window_ms, limit]
                keys.append(counter_key(self.name, key))
        return keys, args

    async def _pipelined(self, requests: list[tuple[list[str], list[int]]]) -> list[Any]:
        """One EVALSHA per request in a cluster pipeline; each reply, or its error."""
        replies = await self._evalsha_all(requests)
        if any(isinstance(r, NoScriptError) for r in replies):
            await self.redis.script_load(_SCRIPT)  # a cluster pipeline does not load scripts itself
            replies = await self._evalsha_all(requests)
        return replies

    async def _evalsha_all(self, requests: list[tuple[list[str], list[int]]]) -> list[Any]:
        pipe = self.redis.pipeline(transaction=False)
        for keys, args in requests:
            pipe.execute_command("EVALSHA", self._script.sha, len(keys), *keys, *args)
        replies: list[Any] = await pipe.execute(raise_on_error=False)
        return replies

    def _answers(self, calls: list[Call], reply: Any) -> list[list[Decision] | BaseException]:
        flat = iter(reply)
        answers: list[list[Decision] | BaseException] = []
        for windows, _ in calls:
            decisions = [Decision(bool(next(flat)), int(next(flat)), limit, float(next(flat)) / 1000)
                         for _, limit, _ in windows]
            if not all(d.allowed for d in decisions):
                RATE_LIMITED.labels(self.name).inc()
            answers.append(decisions)
        return answers

    def _let_through(self, exc: Exception, calls: list[Call]) -> list[list[Decision]]:
        """Fail open (every call allowed, counted in the metric), or re-raise when fail-closed."""
        if not self.fail_open:
            raise exc
        RATE_LIMIT_FAIL_OPEN.labels(self.name).inc(len(calls))
        log.warning("rate limiter failing open", extra={"limiter": self.name, "error": str(exc)})
        return [[Decision(True, 0, limit, 0.0) for _, limit, _ in windows] for windows, _ in calls]

    async def usage(self, key: str, window_seconds: float) -> int:
        """Calls counted against `key` in the current sliding window."""
        window_ms = int(window_seconds * 1000)
        now = int(time.time() * 1000)
        index = now // window_ms
        base = counter_key(self.name, key)
        current, previous = await self.redis.mget(f"{base}:{index}", f"{base}:{index - 1}")
        elapsed = (now - index * window_ms) / window_ms
        return int(int(previous or 0) * (1 - elapsed) + int(current or 0))
