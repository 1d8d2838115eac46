"""The transactional outbox: a table mixin and `emit`, which adds a row in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Table, Text, func, insert, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from shared.events.envelope import Envelope


class OutboxMixin:
    """Columns of an outbox table; declare `class OutboxEvent(OutboxMixin, Base)` with a table name."""

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(255), nullable=False)
    channel: Mapped[str] = mapped_column(String(255), nullable=False)
    stream: Mapped[str | None] = mapped_column(String(255), nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    tenant_id: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __tablename__: str

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        # A partial index: the relay only ever scans rows not yet published.
        name = f"ix_{cls.__tablename__}_unpublished"
        return (Index(name, "id", postgresql_where=text("published_at IS NULL")),)


def notify_channel(model: type[OutboxMixin]) -> str:
    """The PostgreSQL NOTIFY channel a relay of `model` listens on."""
    return f"outbox_{model.__tablename__}"


async def emit(
    session: AsyncSession,
    model: type[OutboxMixin],
    envelope: Envelope,
    *,
    channel: str,
    stream: str | None = None,
    notify: bool = True,
) -> None:
    """Add `envelope` to the outbox in the caller's transaction (never commits).

    `stream` overrides the relay's default stream. With `notify`, a NOTIFY is queued in the same
    transaction: PostgreSQL delivers it on commit, so relays wake within milliseconds.
    """
    await emit_many(session, model, [(envelope, channel, stream)], notify=notify)


async def emit_many(
    session: AsyncSession,
    model: type[OutboxMixin],
    items: Sequence[tuple[Envelope, str, str | None]],
    *,
    notify: bool = True,
) -> int:
    """Add several `(envelope, channel, stream)` rows in one statement (and one NOTIFY); how many.

    A Core insert, not ORM objects: the rows are never read back here, and building instances
    was most of the cost of a batch.
    """
    rows = [
        {"event_id": envelope.event_id, "channel": channel, "stream": stream, "payload": envelope.to_dict(),
         "tenant_id": envelope.tenant_id, "attempts": 0}
        for envelope, channel, stream in items
    ]
    if not rows:
        return 0
    table: Table = model.__table__  # type: ignore[attr-defined]
    await session.execute(insert(table), rows)
    if notify:
        await session.execute(select(func.pg_notify(notify_channel(model), "")))
    return len(rows)
