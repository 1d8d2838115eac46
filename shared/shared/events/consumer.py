"""A consumer-group reader: XREADGROUP, XACK after the handler, XAUTOCLAIM, dead letters."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import Gauge
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from shared.background import BackgroundLoop, wait_for_event
from shared.events.envelope import Envelope
from shared.events.metrics import STREAM_HANDLED
from shared.redis import is_cluster, same_slot
from shared.tracing import SpanKind, span

log = logging.getLogger("events.consumer")
Handler = Callable[[Envelope], Awaitable[None]]
Lane = Callable[[Envelope], str]
Entry = tuple[bytes, dict[bytes, bytes]]
Held = tuple[bytes, dict[bytes, bytes], Envelope | None]
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

    Entries are handled in stream order. With `lane` (an envelope's subject, e.g. its request),
    entries are handled in order within a lane and the lanes side by side, and the consumer goes on
    reading while lanes wait: a handler that waits (a notification paced by Telegram's limit for one
    chat) holds back only its own lane. Up to `max_in_flight` entries are held at once; those
    waiting are re-claimed (XCLAIM JUSTID, which keeps their delivery count) every third of
    `claim_idle_ms`, so no other consumer takes them for stale while they wait their turn here.
    `on_read`, with `lane`, sees each envelope as it is read, before its turn: what a later event
    settles (a request taken) can withdraw what an earlier one still waits to send (its offers).
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
        max_in_flight: int = 1000,
        on_read: Handler | None = None,
    ) -> None:
        self.redis, self.stream, self.group, self.consumer = redis, stream, group, consumer
        self.handler, self.max_deliveries, self.lane, self.on_read = handler, max_deliveries, lane, on_read
        self.dead_letter_stream = dead_letter_stream or f"{stream}:dead"
        self.block_ms, self.batch, self.claim_idle_ms = block_ms, batch, claim_idle_ms
        self.start_id, self.lag_interval = start_id, lag_interval
        self._lag_read_at = float("-inf")
        self._group_ready = False
        self._pending_checked = False
        self.max_in_flight = max_in_flight
        self._held: set[bytes] = set()  # read or claimed here, not yet handled
        self._queues: dict[str, deque[Held]] = {}
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._freed = asyncio.Event()  # set as each held entry is done
        self._failure: BaseException | None = None
        self._refreshed_at = time.monotonic()
        self.loop = BackgroundLoop(
            f"stream-consumer:{stream}:{group}", self._step, max_backoff=max_backoff,
            expected=(RedisError, OSError),
        )

    async def start(self) -> None:
        """Consume in the background until `stop()`."""
        self.loop.start()

    async def stop(self) -> None:
        """Stop consuming at once (entries being handled or waiting are left pending, never lost)."""
        await self.loop.stop(grace=0)
        lanes = list(self._lanes.values())
        for task in lanes:
            task.cancel()
        await asyncio.gather(*lanes, return_exceptions=True)
        self._lanes.clear()
        self._queues.clear()
        self._held.clear()

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
        """Reclaim stale entries, read new ones and handle them all; the number of entries handled."""
        taken = await self._take(block_ms)
        await self._drain()
        return taken

    async def _take(self, block_ms: int | None = None) -> int:
        """Reclaim stale entries and read new ones, each handled or handed to its lane; how many."""
        if not self._group_ready:
            await self.ensure_group()
        taken = 0
        try:
            taken += await self._claim_stale()
            if not self._pending_checked:
                # Entries this consumer received before a crash or restart come first.
                taken += await self._read("0", None)
                self._pending_checked = True
            taken += await self._read(">", self.block_ms if block_ms is None else block_ms)
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self._group_ready = False  # Redis restarted without the stream: make it again
        return taken

    def _room(self) -> int:
        """How many more entries may be read or claimed now (a read's worth at most)."""
        return min(self.batch, self.max_in_flight - len(self._held))

    async def _read(self, start: str, block: int | None) -> int:
        if (room := self._room()) <= 0:
            return 0
        reply: Any = await self.redis.xreadgroup(  # the stubs cover every reply shape of RESP2 and 3
            self.group, self.consumer, {self.stream: start}, count=room, block=block
        )
        entries: list[Entry] = []
        for _stream, read in reply or []:
            for entry_id, fields in read:
                if fields:
                    entries.append((entry_id, fields))
                else:  # a pending entry deleted by MAXLEN comes back empty
                    await self.redis.xack(self.stream, self.group, entry_id)
        return await self._dispatch(entries)

    async def _dispatch(self, entries: list[Entry]) -> int:
        """Handle `entries` in order, or with `lane` queue each behind its lane; how many were new here."""
        if self.lane is None:
            for entry_id, fields in entries:
                await self._handle(entry_id, fields)
            return len(entries)
        fresh = [entry for entry in entries if entry[0] not in self._held]  # a re-read of one waiting
        for entry_id, fields in fresh:
            envelope = self._parsed(fields)
            if envelope is not None and self.on_read is not None:
                await self.on_read(envelope)
            key = self.lane(envelope) if envelope is not None else ""  # malformed: the common lane
            self._held.add(entry_id)
            self._queues.setdefault(key, deque()).append((entry_id, fields, envelope))
            if key not in self._lanes:
                self._lanes[key] = asyncio.create_task(self._run_lane(key), name=f"{self.group}:{key}")
        return len(fresh)

    async def _run_lane(self, key: str) -> None:
        """Handle one lane's entries in order until its queue is empty; a failure is kept for `_step`."""
        queue = self._queues[key]
        try:
            while queue:
                entry_id, fields, envelope = queue[0]
                try:
                    await self._handle(entry_id, fields, envelope)
                except Exception as exc:  # Redis gone: the entry stays pending and is reclaimed later
                    self._failure = exc
                queue.popleft()
                self._held.discard(entry_id)
                self._freed.set()
        finally:
            if self._lanes.get(key) is asyncio.current_task():
                del self._lanes[key]
                self._queues.pop(key, None)

    async def _drain(self) -> None:
        """Wait until every lane has run to its end, then raise the first failure, if any."""
        while self._lanes:
            await asyncio.gather(*self._lanes.values(), return_exceptions=True)
        self._raise_failure()

    def _raise_failure(self) -> None:
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    async def _keep_held(self) -> None:
        """Re-claim entries waiting here for a third of `claim_idle_ms` (their delivery count kept)."""
        interval = self.claim_idle_ms / 3000
        if not self._held or time.monotonic() - self._refreshed_at < interval:
            return
        self._refreshed_at = time.monotonic()
        held: list[Any] = sorted(self._held)  # the stubs' list of ids is invariant
        for start in range(0, len(held), 500):
            await self.redis.xclaim(self.stream, self.group, self.consumer, self.claim_idle_ms // 3,
                                    held[start:start + 500], justid=True)

    @staticmethod
    def _parsed(fields: dict[bytes, bytes]) -> Envelope | None:
        try:
            return Envelope.from_json(fields.get(b"envelope", b""))
        except ValidationError:
            return None

    async def _claim_stale(self) -> int:
        if (room := self._room()) <= 0:
            return 0
        reply = await self.redis.xautoclaim(
            self.stream, self.group, self.consumer, self.claim_idle_ms, start_id="0-0", count=room
        )
        entries: list[Entry] = [e for e in reply[1] if e[1] and e[0] not in self._held]
        if not entries:
            return 0
        counts = await self._delivery_counts(entries)
        due: list[Entry] = []
        for entry_id, fields in entries:
            if counts.get(entry_id, 1) > self.max_deliveries:
                await self._dead_letter(entry_id, fields, "too many deliveries")
            else:
                due.append((entry_id, fields))
        return len(entries) - len(due) + await self._dispatch(due)

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
        # The blocking read is the idle wait, so the loop runs the next step at once. With every
        # place taken, the step waits for one (a read's block at most) and keeps the held fresh.
        try:
            self._freed.clear()
            if self._room() > 0 or await wait_for_event(self._freed, self.block_ms / 1000):
                await self._take()
            self._raise_failure()
            await self._keep_held()
        except Exception:  # Redis may have restarted: make sure of the group and pending entries again
            self._group_ready = False
            self._pending_checked = False
            raise
        await self._refresh_lag_now_and_then()
        return True


def _as_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()
