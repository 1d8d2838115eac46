"""The outbox relay: publishes unpublished rows to Redis (PUBLISH + XADD) and marks them sent."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.background import BackgroundLoop
from shared.events.listener import PgListener
from shared.events.metrics import OUTBOX_PUBLISH_ERRORS, OUTBOX_PUBLISH_LAG, OUTBOX_PUBLISHED
from shared.events.outbox import OutboxMixin, notify_channel
from shared.redis import hash_tag, is_cluster
from shared.tracing import SpanKind, record_span

log = logging.getLogger("events.relay")
STREAM_MAXLEN = 100_000
_PUBLISH_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) then
  redis.call('PUBLISH', ARGV[1], ARGV[2])
  if ARGV[5] ~= '' then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'envelope', ARGV[2], 'channel', ARGV[1])
  end
  return 1
end
return 0
"""
AfterPublish = Callable[[AsyncSession, Sequence[Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Publication:
    """One envelope to publish once: its pub/sub channel, its stream ('' for none) and the key
    that marks it published (in the stream's hash slot: `sent_marker`)."""

    marker: str
    channel: str
    body: bytes
    stream: str


def sent_marker(stream: str, outbox: str, identity: str) -> str:
    """The published-once key of one publication of an outbox's row, in its stream's hash slot."""
    return f"outbox:sent:{hash_tag(stream or outbox)}:{outbox}:{identity}"


class OncePublisher:
    """Publishes envelopes (PUBLISH + XADD) so that a retry after a lost reply repeats none.

    MULTI/EXEC: Redis applies the whole batch or none of it. Each envelope's script first sets its
    marker key (NX, for `dedupe_ttl` seconds): if an EXEC ran but its reply was lost, the retry
    publishes nothing twice. On a Redis Cluster a stream's envelopes are one transaction on the
    stream's node (a batch spanning streams is one per stream; if one fails, the markers keep the
    retry from publishing the others' twice).
    """

    def __init__(self, redis: Redis, *, stream_maxlen: int = STREAM_MAXLEN, dedupe_ttl: int = 900) -> None:
        self.redis, self.stream_maxlen, self.dedupe_ttl = redis, stream_maxlen, dedupe_ttl
        self._script = redis.register_script(_PUBLISH_ONCE)

    async def publish(self, publications: Sequence[Publication]) -> None:
        """Publish every one not published yet; a Redis error propagates (publish them again later)."""
        batches: dict[str, list[Publication]] = {}
        for publication in publications:
            batches.setdefault(publication.stream, []).append(publication)
        cluster = is_cluster(self.redis)
        if not cluster:
            batches = {"": list(publications)}
        else:  # a cluster pipeline neither loads scripts nor takes them but as raw EVALSHA
            await self.redis.script_load(_PUBLISH_ONCE)
        for batch in batches.values():
            async with self.redis.pipeline(transaction=True) as pipe:
                for publication in batch:
                    keys = [publication.marker, publication.stream or publication.marker]
                    args: list[str | bytes | int] = [publication.channel, publication.body, self.dedupe_ttl,
                                                     self.stream_maxlen, publication.stream]
                    if cluster:
                        pipe.execute_command("EVALSHA", self._script.sha, 2, *keys, *args)
                    else:
                        await self._script(keys=keys, args=args, client=pipe)
                await pipe.execute()


class OutboxRelay:
    """Claims unpublished rows with `FOR UPDATE SKIP LOCKED`, publishes them, marks them sent.

    A row is marked only after Redis accepted it, in the transaction that locked it, so several
    relays never publish one row twice and a Redis outage only delays rows (with backoff).
    `after_publish(session, rows)` runs in that transaction (e.g. to mark the source rows).
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        model: type[OutboxMixin],
        redis: Redis,
        *,
        stream: str | None = None,
        batch: int = 200,
        interval: float = 1.0,
        max_backoff: float = 5.0,
        stream_maxlen: int = STREAM_MAXLEN,
        listen: bool = True,
        after_publish: AfterPublish | None = None,
        dedupe_ttl: int = 900,
        keep_published: timedelta | None = timedelta(days=7),
    ) -> None:
        self.model: Any = model
        self.sessionmaker, self.redis, self.stream, self.batch = sessionmaker, redis, stream, batch
        self.stream_maxlen, self.dedupe_ttl, self.keep_published = stream_maxlen, dedupe_ttl, keep_published
        self.after_publish = after_publish
        self._next_prune = 0.0
        self.publisher = OncePublisher(redis, stream_maxlen=stream_maxlen, dedupe_ttl=dedupe_ttl)
        self.name = str(self.model.__tablename__)
        self.loop = BackgroundLoop(
            f"outbox-relay:{self.name}", self._step, interval=interval, max_backoff=max_backoff,
            expected=(RedisError, SQLAlchemyError, OSError),
        )
        engine = sessionmaker.kw.get("bind")
        self._listener = (
            PgListener.for_engine(engine, notify_channel(model), self.loop.wake_event)
            if listen and isinstance(engine, AsyncEngine) else None
        )

    def wake(self) -> None:
        """Publish now instead of at the next poll (call after committing new rows)."""
        self.loop.wake()

    async def start(self) -> None:
        """Run the relay in the background until `stop()`."""
        if self._listener is not None:
            self._listener.start()
        self.loop.start()

    async def stop(self, grace: float = 5.0) -> None:
        """Finish the current batch and stop (cancel after `grace` seconds)."""
        await self.loop.stop(grace)
        if self._listener is not None:
            await self._listener.stop()

    async def run_once(self) -> int:
        """Publish one batch; the number of rows published. Redis errors propagate, rows stay."""
        model = self.model.__table__.c  # Core rows and statements: no ORM identity map to maintain
        error: RedisError | None = None
        async with self.sessionmaker() as session, session.begin():
            query = (
                select(self.model.__table__).where(model.published_at.is_(None)).order_by(model.id)
                .limit(self.batch).with_for_update(skip_locked=True)
            )
            rows: Sequence[Any] = (await session.execute(query)).all()
            if not rows:
                return 0
            ids = [r.id for r in rows]
            now, started_ns = datetime.now(UTC), time.time_ns()
            try:
                await self._publish(rows)
            except RedisError as exc:
                error = exc
                values: dict[str, Any] = {"attempts": model.attempts + 1, "last_error": str(exc)[:1000]}
            else:
                values = {"published_at": now, "attempts": model.attempts + 1, "last_error": None}
            await session.execute(update(self.model.__table__).where(model.id.in_(ids)).values(**values))
            if error is None and self.after_publish is not None:
                await self.after_publish(session, rows)
        if error is not None:
            OUTBOX_PUBLISH_ERRORS.labels(self.name).inc()
            raise error
        for row in rows:
            record_span(f"publish {row.channel}", parent=row.payload.get("traceparent"), start_ns=started_ns,
                        kind=SpanKind.PRODUCER, attributes={"messaging.system": "redis", "outbox": self.name})
            OUTBOX_PUBLISH_LAG.labels(self.name).observe(max(0.0, (now - row.created_at).total_seconds()))
        OUTBOX_PUBLISHED.labels(self.name).inc(len(rows))
        return len(rows)

    async def _publish(self, rows: Sequence[Any]) -> None:
        await self.publisher.publish([
            Publication(self._marker(row, row.stream or self.stream or ""), row.channel,
                        orjson.dumps(row.payload), row.stream or self.stream or "")
            for row in rows
        ])

    def _marker(self, row: Any, stream: str) -> str:
        """The row's published-once key, in its stream's hash slot (the outbox's without a stream)."""
        return sent_marker(stream, self.name, f"{row.id}:{row.created_at.timestamp():.6f}")

    async def _step(self) -> bool:
        # Failures are logged and backed off by the loop; a new row must not cut a back-off short.
        if await self.run_once() >= self.batch:
            return True
        await self._prune_now_and_then()
        return False

    async def prune(self) -> int:
        """Delete rows published longer than `keep_published` ago; how many (a bounded batch)."""
        if self.keep_published is None:
            return 0
        model = self.model
        cutoff = datetime.now(UTC) - self.keep_published
        old = (select(model.id).where(model.published_at.is_not(None), model.published_at < cutoff)
               .limit(10_000).scalar_subquery())
        async with self.sessionmaker() as session, session.begin():
            result = await session.execute(delete(model).where(model.id.in_(old)))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def _prune_now_and_then(self) -> None:
        # Hourly, when idle: the table keeps recent history for debugging, not every event ever.
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + 3600
        try:
            removed = await self.prune()
        except (SQLAlchemyError, OSError) as exc:
            log.warning("outbox prune failed", extra={"outbox": self.name, "error": str(exc)})
            return
        if removed:
            log.info("outbox pruned", extra={"outbox": self.name, "rows": removed})
