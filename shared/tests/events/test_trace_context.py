"""The trace context inside envelopes: made in a span, relayed, consumed as a child of that span."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events import Envelope, OutboxRelay, StreamConsumer, emit
from shared.tracing import current_traceparent, in_memory, span

STREAM = "stream:traced"


def thing() -> Envelope:
    return Envelope.new(event_type="thing.happened", source="test", tenant_id="t1", data={"n": 1})


async def test_an_event_made_in_a_span_is_handled_in_the_same_trace(
    sessionmaker: async_sessionmaker[AsyncSession], redis: Redis, outbox: Any
) -> None:
    handled: list[str | None] = []

    async def handler(envelope: Envelope) -> None:
        handled.append(current_traceparent())

    with in_memory() as exporter:
        with span("the change") as change:
            made = thing()
            async with sessionmaker() as session, session.begin():
                await emit(session, outbox, made, channel="test.thing")
        relay = OutboxRelay(sessionmaker, outbox, redis, stream=STREAM, listen=False)
        consumer = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=10, start_id="0")
        assert await relay.run_once() == 1
        assert await consumer.run_once() == 1
        spans = {s.name: s for s in exporter.get_finished_spans()}

    trace_id, span_id = change.get_span_context().trace_id, change.get_span_context().span_id
    assert made.traceparent is not None
    assert made.traceparent.split("-")[1:3] == [f"{trace_id:032x}", f"{span_id:016x}"]
    publish, process = spans["publish test.thing"], spans["process thing.happened"]
    assert publish.context.trace_id == process.context.trace_id == trace_id
    assert process.parent is not None and process.parent.span_id == span_id
    assert handled and handled[0] is not None and f"{trace_id:032x}" in handled[0]


async def test_events_made_outside_a_trace_carry_none_and_old_envelopes_still_parse() -> None:
    made = thing()
    assert made.traceparent is None and "traceparent" not in made.to_dict()
    old = (b'{"event_id":"e1","event_type":"x","source":"core","tenant_id":"t",'
           b'"occurred_at":"2026-01-01T00:00:00Z"}')
    assert Envelope.from_json(old).traceparent is None
    with in_memory(), span("a request"):
        assert thing().to_dict()["traceparent"].startswith("00-")


async def test_a_consumer_of_an_envelope_without_context_starts_its_own_trace(redis: Redis) -> None:
    seen: list[str | None] = []

    async def handler(envelope: Envelope) -> None:
        seen.append(current_traceparent())

    await redis.xadd(STREAM, {"envelope": thing().to_json(), "channel": "test.thing"})
    with in_memory() as exporter:
        consumer = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=10, start_id="0")
        assert await consumer.run_once() == 1
        [process] = [s for s in exporter.get_finished_spans() if s.name.startswith("process")]
    assert process.parent is None and seen[0] is not None
