"""Each provider's state as learned from real calls, shared by every instance through Redis."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from integration_service.geocoding.exceptions import ProviderFailure

log = logging.getLogger("geocoding.health")
HEALTH_KEY = "geocoding:health"
STATE_OF_KIND = {"quota": "quota_exceeded", "unavailable": "unavailable", "denied": "unhealthy"}


class HealthBook:
    """Records `ok` or a failure state per provider; a denied provider is skipped for a cool-down."""

    def __init__(self, redis: Redis, denied_cooldown: float) -> None:
        self.redis = redis
        self.denied_cooldown = denied_cooldown

    async def record_ok(self, provider: str) -> None:
        """The provider answered (a zero-results answer counts: it is working)."""
        await self._write(provider, {"state": "ok", "detail": None})

    async def record_failure(self, provider: str, failure: ProviderFailure) -> None:
        """Quota, unavailability or a denied key."""
        state = STATE_OF_KIND.get(failure.kind)
        if state is None:
            await self.record_ok(provider)
            return
        await self._write(provider, {"state": state, "detail": failure.detail})

    async def states(self) -> dict[str, dict[str, Any]]:
        """Every recorded state by provider name; empty when Redis is down."""
        try:
            raw = await self.redis.hgetall(HEALTH_KEY)
        except RedisError:
            return {}
        return {(name.decode() if isinstance(name, bytes) else name): orjson.loads(value)
                for name, value in raw.items()}

    async def is_benched(self, provider: str) -> bool:
        """True while a provider that rejected our key is in its cool-down."""
        state = (await self.states()).get(provider)
        if not state or state.get("state") != "unhealthy":
            return False
        return time.time() - float(state.get("ts", 0)) < self.denied_cooldown

    async def _write(self, provider: str, state: dict[str, Any]) -> None:
        now = time.time()
        state = {**state, "ts": now, "checked_at": datetime.fromtimestamp(now, UTC).isoformat()}
        try:
            await self.redis.hset(HEALTH_KEY, provider, orjson.dumps(state))
        except RedisError as exc:
            log.warning("geocoding health not recorded", extra={"error": str(exc)})
