"""One resident's "confirm" is one trace: the bot's update and handler, Core's request over real
HTTP, the event's `traceparent`, the relay and the notifier's messages (the SDK's in-memory exporter)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from harness import file_until_summary
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from bot_gateway.app import create_app
from bot_gateway.clients import build_clients
from bot_gateway.config import Settings
from core_service.events.models import OutboxEvent
from shared import tracing
from shared.app import resources_of
from shared.db import session_scope
from shared.testing import serve


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on for the test (requested before the apps, so they are built traced)."""
    with tracing.in_memory() as exporter:
        yield exporter


def without_lifespan(app: FastAPI) -> Any:
    """`app` for a server of its own while the fixture runs its lifespan."""

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            return await app(scope, receive, send)
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return None

    return asgi


async def spans_until(
    exporter: InMemorySpanExporter, found: Callable[[list[ReadableSpan]], bool]
) -> list[ReadableSpan]:
    """The finished spans once `found` says they hold what the test waits for."""
    deadline = time.monotonic() + 10
    while not found(finished := list(exporter.get_finished_spans())):
        assert time.monotonic() < deadline, sorted({s.name for s in finished})
        await asyncio.sleep(0.05)
    return finished


@pytest.fixture
async def bot_over_http(
    spans: InMemorySpanExporter, core_app: FastAPI, bot_settings: Callable[..., Settings]
) -> AsyncIterator[None]:
    """The real bot calling Core over a real connection (so httpx's own transport carries the context)."""
    async with serve(without_lifespan(core_app)) as core_url:
        settings = bot_settings(core_url=core_url)
        app = create_app(settings, clients=build_clients(settings))
        async with app.router.lifespan_context(app):
            await asyncio.sleep(0.2)  # the notifier's consumer group exists before events come
            yield


async def test_a_residents_confirm_is_one_trace_down_to_the_executors_notice(
    spans: InMemorySpanExporter, make_user: Any, make_building: Any, core_app: FastAPI, bot_over_http: None
) -> None:
    await make_building("Ташкент, ул. Навои, 1")
    resident = await make_user("applicant", "ru", name="Resident")
    executor = await make_user("executor", "ru", specializations=("plumbing",), name="Plumber")
    summary = await file_until_summary(resident, "Навои")
    await resident.press_text(summary, resident.t("btn.confirm"))
    await resident.expect(resident.frag("nr.created"))
    await executor.expect(executor.frag("notif.created"))

    async for session in session_scope(resources_of(core_app).sessions):
        query = select(OutboxEvent).where(OutboxEvent.channel == "core.request.created")
        [event] = (await session.execute(query)).scalars().all()
    traceparent = event.payload["traceparent"]
    trace_id = int(traceparent.split("-")[1], 16)
    finished = await spans_until(spans, lambda found: any(
        s.name == "notify request.created" and s.context.trace_id == trace_id for s in found))
    trace = [s for s in finished if s.context.trace_id == trace_id]
    names = {s.name for s in trace}

    [update] = [s for s in trace if s.name.startswith("bot update")]
    assert update.parent is None and update.attributes is not None
    assert update.attributes["bot.update_type"] == "callback_query"
    assert not any("telegram_id" in key or "user" in key for key in update.attributes)  # no person named
    assert any(s.name.startswith("bot handler") for s in trace)
    assert "POST /api/v1/requests" in names  # Core's server span, a child of the bot's httpx call
    assert {"publish core.request.created", "process request.created"} <= names
    assert event.payload["event_id"] in {(s.attributes or {}).get("event_id") for s in trace
                                        if s.name == "notify request.created"}
