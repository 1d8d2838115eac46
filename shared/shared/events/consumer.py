"""A consumer-group reader: XREADGROUP, XACK after the handler, XAUTOCLAIM, dead letters."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import Gauge
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from shared.background import BackgroundLoop
from shared.events.envelope import Envelope
from shared.events.metrics import STREAM_HANDLED
from shared.redis import is_cluster, same_slot
from shared.tracing import SpanKind, span

log = logging.getLogger("events.consumer")
Handler = Callable[[Envelope], Awaitable[None]]
Lane = Callable[[Envelope], str]
Entry = tuple[bytes, dict[bytes, bytes]]
# Read from XINFO GROUPS every `lag_interval` seconds by each running consumer (replicas of one
# group export the same values: aggregate with max).
STREAM_GROUP_LAG = Gauge(
    "stream_group_lag", "Stream entries not yet delivered to the consumer group (XINFO GROUPS lag)",
    ["stream", "group"],
)
STREAM_GROUP_PENDING = Gauge(
    "stream_group_pending", "Stream entries delivered to the group but not acknowledged yet",
    ["stream", "group"],
)


class StreamConsumer:
    """Reads `stream` as `consumer` of `group`; an entry is acknowledged only after `handler` returns.

    A failed entry stays pending and is reclaimed (XAUTOCLAIM) once idle for `claim_idle_ms`;
    after `max_deliveries` deliveries it moves to `dead_letter_stream`. Redis outages are waited
    out with backoff; the group is re-created if Redis lost it. While running, the group's lag and
    pending count are exported (`stream_group_lag`, `stream_group_pending`) every `lag_interval` s.

    Entries are handled in stream order. With `lane` (an envelope's subject, e.g. its request), the
    entries of one read are handled in order within a lane and the lanes side by side: a handler
    that waits (a notification paced by Telegram's limit for one chat) holds back only its own lane.
    """

    def __init__(
        self,
        redis: Redis,
        stream: str,
        group: str,
        consumer: str,
        handler: Handler,
        *,
        max_deliveries: int = 5,
        dead_letter_stream: str | None = None,
        block_ms: int = 1000,
        batch: int = 50,
        claim_idle_ms: int = 30_000,
        start_id: str = "0",
        max_backoff: float = 5.0,
        lag_interval: float = 5.0,
        lane: Lane | None = None,
    ) -> None:
        self.redis, self.stream, self.group, self.consumer = redis, stream, group, consumer
        self.handler, self.max_deliveries, self.lane = handler, max_deliveries, lane
        self.dead_letter_stream = dead_letter_stream or f"{stream}:dead"
        self.block_ms, self.batch, self.claim_idle_ms = block_ms, batch, claim_idle_ms
        self.start_id, self.lag_interval = start_id, lag_interval
        self._lag_read_at = float("-inf")
        self._group_ready = False
        self._pending_checked = False
        self.loop = BackgroundLoop(
            f"stream-consumer:{stream}:{group}", self._step, max_backoff=max_backoff,
            expected=(RedisError, OSError),
        )

    async def start(self) -> None:
        """Consume in the background until `stop()`."""
        self.loop.start()

    async def stop(self) -> None:
        """Stop consuming at once (an entry being handled is left pending, never lost)."""
        await self.loop.stop(grace=0)

    async def ensure_group(self) -> None:
        """Create the group (and the stream) unless it exists."""
        try:
            await self.redis.xgroup_create(self.stream, self.group, id=self.start_id, mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def refresh_lag(self) -> tuple[int | None, int] | None:
        """Export the group's (lag, pending) from XINFO GROUPS and return them; None without the group.

        Redis reports no lag when it cannot tell (entries deleted past the group's position); the
        gauge then keeps its last value.
        """
        self._lag_read_at = time.monotonic()
        for info in await self.redis.xinfo_groups(self.stream):
            if _as_bytes(info["name"]) == self.group.encode():
                lag, pending = info.get("lag"), int(info["pending"])
                if lag is not None:
                    STREAM_GROUP_LAG.labels(self.stream, self.group).set(int(lag))
                STREAM_GROUP_PENDING.labels(self.stream, self.group).set(pending)
                return (None if lag is None else int(lag)), pending
        return None

    async def _refresh_lag_now_and_then(self) -> None:
        if time.monotonic() - self._lag_read_at < self.lag_interval:
            return
        try:
            await self.refresh_lag()
        except RedisError as exc:  # only the gauges go stale; consuming goes on
            log.debug("stream lag not read", extra={"stream": self.stream, "error": str(exc)})

    async def run_once(self, block_ms: int | None = None) -> int:
        """Reclaim stale entries, then read new ones; the number of entries handled."""
        if not self._group_ready:
            await self.ensure_group()
        try:
            handled = await self._claim_stale()
            if not self._pending_checked:
                # Entries this consumer received before a crash or restart come first.
                handled += await self._read("0", None)
                self._pending_checked = True
            handled += await self._read(">", self.block_ms if block_ms is None else block_ms)
        except ResponseError as exc:
            if "NOGROUP" in str(exc):
                self._group_ready = False  # Redis restarted without the stream: make it again
                return 0
            raise
        return handled

    async def _read(self, start: str, block: int | None) -> int:
        reply: Any = await self.redis.xreadgroup(  # the stubs cover every reply shape of RESP2 and 3
            self.group, self.consumer, {self.stream: start}, count=self.batch, block=block
        )
        entries: list[Entry] = []
        for _stream, read in reply or []:
            for entry_id, fields in read:
                if fields:
                    entries.append((entry_id, fields))
                else:  # a pending entry deleted by MAXLEN comes back empty
                    await self.redis.xack(self.stream, self.group, entry_id)
        await self._handle_in_lanes(entries)
        return len(entries)

    async def _handle_in_lanes(self, entries: list[Entry]) -> None:
        """Handle `entries` in order, or with `lane` in order per lane and the lanes side by side."""
        lanes: dict[str, list[tuple[Entry, Envelope | None]]] = {}
        for entry in entries:
            envelope = self._parsed(entry[1]) if self.lane is not None else None
            key = self.lane(envelope) if self.lane is not None and envelope is not None else ""
            lanes.setdefault(key, []).append((entry, envelope))  # malformed: the common lane
        # Every lane runs to its end before a failure (Redis gone) is raised: none is left running.
        results = await asyncio.gather(*(self._handle_each(lane) for lane in lanes.values()),
                                       return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            raise failed[0]

    @staticmethod
    def _parsed(fields: dict[bytes, bytes]) -> Envelope | None:
        try:
            return Envelope.from_json(fields.get(b"envelope", b""))
        except ValidationError:
            return None

    async def _handle_each(self, lane: list[tuple[Entry, Envelope | None]]) -> None:
        for (entry_id, fields), envelope in lane:
            await self._handle(entry_id, fields, envelope)

    async def _claim_stale(self) -> int:
        reply = await self.redis.xautoclaim(
            self.stream, self.group, self.consumer, self.claim_idle_ms, start_id="0-0", count=self.batch
        )
        entries: list[Entry] = [e for e in reply[1] if e[1]]
        if not entries:
            return 0
        counts = await self._delivery_counts(entries)
        for entry_id, fields in entries:
            if counts.get(entry_id, 1) > self.max_deliveries:
                await self._dead_letter(entry_id, fields, "too many deliveries")
            else:
                await self._handle(entry_id, fields)
        return len(entries)

    async def _delivery_counts(self, entries: list[Entry]) -> dict[bytes, int]:
        pending = await self.redis.xpending_range(
            self.stream, self.group, min=entries[0][0], max=entries[-1][0],
            count=len(entries) * 2 + 10, consumername=self.consumer,
        )
        return {_as_bytes(p["message_id"]): int(p["times_delivered"]) for p in pending}

    async def _handle(
        self, entry_id: bytes, fields: dict[bytes, bytes], envelope: Envelope | None = None
    ) -> None:
        """Hand the entry's envelope (`envelope` when already parsed) to the handler, then XACK."""
        if envelope is None:
            try:
                envelope = Envelope.from_json(fields.get(b"envelope", b""))
            except ValidationError as exc:
                await self._dead_letter(entry_id, fields, f"malformed envelope: {exc.error_count()} errors")
                return
        try:
            attributes = {"messaging.system": "redis", "messaging.destination.name": self.stream,
                          "messaging.consumer.group.name": self.group, "event_id": envelope.event_id}
            with span(f"process {envelope.event_type}", parent=envelope.traceparent, kind=SpanKind.CONSUMER,
                      attributes=attributes):
                await self.handler(envelope)
        except Exception as exc:  # any handler failure means "retry later"
            STREAM_HANDLED.labels(self.stream, self.group, "failed").inc()
            log.warning("stream handler failed; entry stays pending",
                        extra={"stream": self.stream, "group": self.group,
                               "event_id": envelope.event_id, "error": repr(exc)})
            return
        await self.redis.xack(self.stream, self.group, entry_id)
        STREAM_HANDLED.labels(self.stream, self.group, "ok").inc()

    async def _dead_letter(self, entry_id: bytes, fields: dict[bytes, bytes], reason: str) -> None:
        dead: dict[Any, Any] = {**fields, b"original_id": entry_id, b"group": self.group, b"reason": reason}
        if same_slot(self.dead_letter_stream, self.stream) or not is_cluster(self.redis):
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.xadd(self.dead_letter_stream, dead, maxlen=100_000, approximate=True)
                pipe.xack(self.stream, self.group, entry_id)
                await pipe.execute()
        else:  # two cluster slots: added first, so a crash between leaves it pending, not lost
            await self.redis.xadd(self.dead_letter_stream, dead, maxlen=100_000, approximate=True)
            await self.redis.xack(self.stream, self.group, entry_id)
        STREAM_HANDLED.labels(self.stream, self.group, "dead").inc()
        log.error("stream entry dead-lettered",
                  extra={"stream": self.stream, "group": self.group, "reason": reason})

    async def _step(self) -> bool:
        # The blocking read is the idle wait, so the loop runs the next step at once.
        try:
            await self.run_once()
        except Exception:  # Redis may have restarted: make sure of the group and pending entries again
            self._group_ready = False
            self._pending_checked = False
            raise
        await self._refresh_lag_now_and_then()
        return True


def _as_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()
