"""A webhook's event continues the trace of the request that received it, though the worker makes
it later (the row keeps the receiving span's `traceparent`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from integration_service.webhooks.processing import STREAM
from shared import tracing
from shared.events import Envelope


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on for the test (requested before the app, so it is built traced)."""
    with tracing.in_memory() as exporter:
        yield exporter


async def test_the_published_event_is_in_the_receiving_requests_trace(
    spans: InMemorySpanExporter, wh: Any, redis: Any
) -> None:
    await wh.config()
    assert (await wh.stripe(wh.stripe_event(wh.uid("evt_traced")))).status_code == 200
    [row] = await wh.rows()
    assert await wh.process() == 1

    [received] = [s for s in spans.get_finished_spans() if s.name == "POST /api/v1/webhooks/stripe"]
    trace_id = f"{received.context.trace_id:032x}"
    assert row.traceparent is not None and row.traceparent.split("-")[1] == trace_id
    [envelope] = [Envelope.from_json(f[b"envelope"]) for _, f in await redis.xrange(STREAM)
                  if Envelope.from_json(f[b"envelope"]).event_id == wh.uid("evt_traced")]
    assert envelope.traceparent == row.traceparent
    publish = [s for s in spans.get_finished_spans() if s.name.startswith("publish integration.")]
    assert [f"{s.context.trace_id:032x}" for s in publish] == [trace_id]


async def test_without_tracing_the_row_and_the_event_carry_no_context(wh: Any) -> None:
    await wh.config()
    assert (await wh.stripe(wh.stripe_event(wh.uid("evt_plain")))).status_code == 200
    [row] = await wh.rows()
    assert row.traceparent is None
    assert await wh.process() == 1
