"""One reader of `stream:core` per process, fanning each request event of the console's tenant
out to every open `/events` connection (a blocked XREAD per browser would hold a Redis connection
each)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.background import BackgroundLoop
from shared.events import Envelope

log = logging.getLogger("console.live")
STREAM = "stream:core"
# Below the Redis client's socket timeout, so a quiet stream never looks like a dead connection.
BLOCK_MS = 1000
BATCH = 200
# A page that cannot keep up loses changes, never the process's memory: it reloads on the next one.
QUEUE_SIZE = 100


@dataclass(frozen=True)
class Change:
    """What a page needs to know: which request changed, and how."""

    number: str
    event: str
    status: str | None

    def as_json(self) -> dict[str, Any]:
        """The SSE `data` of the change."""
        return {"number": self.number, "event": self.event, "status": self.status}


class LiveFeed:
    """Reads `stream:core` from where it stood at start and hands each change to the subscribers."""

    def __init__(self, redis: Redis, tenant: str) -> None:
        self.redis = redis
        self.tenant = tenant
        self.last_id: str | None = None
        self.subscribers: set[asyncio.Queue[Change]] = set()
        self.loop = BackgroundLoop("live-feed", self.step, interval=0.1, expected=(RedisError, OSError))

    async def start(self) -> None:
        """Start reading (from the stream's end: pages load the current state themselves)."""
        self.loop.start()

    async def stop(self) -> None:
        """Stop reading."""
        await self.loop.stop(grace=BLOCK_MS / 1000 + 1)

    async def _tail(self) -> str:
        newest = cast(list[tuple[bytes, Any]], await self.redis.xrevrange(STREAM, count=1))
        return newest[0][0].decode() if newest else "0-0"

    async def step(self) -> bool:
        """Wait up to a second for new entries and hand them out; True when some came."""
        if self.last_id is None:
            self.last_id = await self._tail()
        reply = cast(list[Any], await self.redis.xread({STREAM: self.last_id}, count=BATCH, block=BLOCK_MS))
        if not reply:
            return False
        for entry_id, fields in reply[0][1]:
            self.last_id = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
            change = self._change(fields)
            if change is not None:
                self.publish(change)
        return True

    def _change(self, fields: dict[bytes, bytes]) -> Change | None:
        try:
            envelope = Envelope.from_json(fields.get(b"envelope", b""))
        except ValidationError:
            return None
        number = envelope.data.get("number")
        if envelope.tenant_id != self.tenant or not envelope.event_type.startswith("request.") or not number:
            return None
        return Change(str(number), envelope.event_type, envelope.data.get("status"))

    def publish(self, change: Change) -> None:
        """Hand `change` to every subscriber (one whose queue is full misses it)."""
        for queue in self.subscribers:
            if queue.full():
                log.info("a live page is too slow; a change was dropped", extra={"number": change.number})
                continue
            queue.put_nowait(change)

    @contextmanager
    def subscription(self) -> Iterator[asyncio.Queue[Change]]:
        """A queue of the changes from now on, while the block runs."""
        queue: asyncio.Queue[Change] = asyncio.Queue(QUEUE_SIZE)
        self.subscribers.add(queue)
        try:
            yield queue
        finally:
            self.subscribers.discard(queue)
