"""OpenTelemetry tracing: off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set; W3C context over HTTP and events.

When off, nothing is installed: the API's no-op tracer answers, `span()` yields a non-recording
span without starting one, and envelopes carry no `traceparent`. When on (once per process, from
`shared.app.create_service_app`), the SDK exports over OTLP (`http/protobuf`) and the FastAPI
apps, httpx, redis and each service's SQLAlchemy engine are instrumented.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from opentelemetry import metrics, trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import (
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
)
from opentelemetry.trace import INVALID_SPAN, Link, Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import Attributes
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.logging import correlation_id

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
PROTOCOL_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
PROTOCOLS = ("http/protobuf",)
# Probes and scrapes every few seconds would bury the requests people look for.
EXCLUDED_URLS = "/health,/health/ready,/metrics"
TRACER = "uk"
# The attribute naming the request id (`X-Request-ID`, the logs' `correlation_id`) on a request's
# server span and on the spans made while it is known: a trace viewer finds the trace by this tag.
REQUEST_ID = "request_id"
_W3C = TraceContextTextMapPropagator()


@dataclass
class _Tracing:
    provider: TracerProvider | None = None
    engines: list[EngineTracer] = field(default_factory=list)


_state = _Tracing()


class _NoLoneClientSpans(Sampler):
    """Drops a client span that starts a trace: a background loop's own poll of PostgreSQL or
    Redis, with nothing before it, is noise; a trace begins where work comes in."""

    def should_sample(
        self, parent_context: Context | None, trace_id: int, name: str, kind: SpanKind | None = None,
        attributes: Attributes = None, links: Any = None, trace_state: Any = None,
    ) -> SamplingResult:
        """Record and sample every root span but a client one."""
        if kind == SpanKind.CLIENT:
            return SamplingResult(Decision.DROP)
        return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)

    def get_description(self) -> str:
        """The sampler's name in the SDK's descriptions."""
        return "NoLoneClientSpans"


def enabled_by_environment(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether an OTLP endpoint is configured (the standard variables; tracing is off otherwise)."""
    return any(environ.get(name) for name in ENDPOINT_VARIABLES)


def protocol(environ: Mapping[str, str] = os.environ) -> str:
    """The OTLP protocol asked for (`http/protobuf` unless said); ValueError for one not supported."""
    asked = next((environ[name] for name in PROTOCOL_VARIABLES if environ.get(name)), "http/protobuf")
    if asked not in PROTOCOLS:
        raise ValueError(f"OTEL_EXPORTER_OTLP_PROTOCOL={asked!r} is not supported: use one of {PROTOCOLS}")
    return asked


def default_service_name(settings: object) -> str:
    """The package a settings object belongs to (`core_service`, `bot_gateway`, ...)."""
    return type(settings).__module__.split(".", 1)[0]


def setup_tracing(service_name: str) -> TracerProvider | None:
    """Once per process: with an OTLP endpoint configured, the SDK exporting there (batched) and
    set as the global provider; None while tracing is off."""
    if _state.provider is None and enabled_by_environment():
        protocol()
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        trace.set_tracer_provider(start_tracing(service_name, BatchSpanProcessor(OTLPSpanExporter())))
    return _state.provider


def start_tracing(service_name: str, processor: SpanProcessor) -> TracerProvider:
    """Install the SDK with `processor` (`OTEL_SERVICE_NAME` overrides the name) and instrument
    httpx and redis; the tests pass an in-memory exporter's processor."""
    name = os.environ.get("OTEL_SERVICE_NAME") or service_name
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}),
                              sampler=ParentBased(root=_NoLoneClientSpans()))
    provider.add_span_processor(processor)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    RedisInstrumentor().instrument(tracer_provider=provider)
    _state.provider = provider
    return provider


@contextmanager
def in_memory(service_name: str = "tests") -> Iterator[InMemorySpanExporter]:
    """Tracing on for a block, each span kept in memory as it ends (the tests' exporter); off after."""
    exporter = InMemorySpanExporter()
    start_tracing(service_name, SimpleSpanProcessor(exporter))
    try:
        yield exporter
    finally:
        stop_tracing()


def stop_tracing() -> None:
    """Flush the spans, take the instrumentation off and forget the provider."""
    provider, _state.provider = _state.provider, None
    if provider is None:
        return
    HTTPXClientInstrumentor().uninstrument()
    RedisInstrumentor().uninstrument()
    EngineTracer.remove_all_event_listeners()  # type: ignore[no-untyped-call]
    _state.engines.clear()
    provider.shutdown()


def provider() -> TracerProvider | None:
    """The installed provider; None while tracing is off."""
    return _state.provider


def instrument_app(app: FastAPI) -> None:
    """Server spans for every route but health and metrics (nothing while tracing is off)."""
    if _state.provider is not None:
        FastAPIInstrumentor.instrument_app(app, tracer_provider=_state.provider, excluded_urls=EXCLUDED_URLS,
                                           exclude_spans=["receive", "send"])


def instrument_client(client: httpx.AsyncClient) -> bool:
    """Client spans and the trace context on `client`'s calls whatever its transport (the global
    instrumentation covers only httpx's own); whether tracing is on."""
    if _state.provider is None:
        return False
    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=_state.provider)
    return True


def instrument_engine(engine: AsyncEngine) -> None:
    """A client span per statement of `engine` (nothing while tracing is off)."""
    if _state.provider is None:
        return
    connections = metrics.get_meter(TRACER).create_up_down_counter("db.client.connections.usage")
    _state.engines.append(EngineTracer(  # type: ignore[no-untyped-call]
        _state.provider.get_tracer(TRACER), engine.sync_engine, connections))


def tag_request(request_id: str) -> None:
    """Name the request id on the current span (an HTTP request's server span), so a search by the
    `request_id` tag finds its trace; nothing while tracing is off or outside a recorded span."""
    if _state.provider is not None:
        trace.get_current_span().set_attribute(REQUEST_ID, request_id)


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the current span; None outside a recorded trace."""
    if _state.provider is None:
        return None
    carrier: dict[str, str] = {}
    _W3C.inject(carrier)
    return carrier.get("traceparent")


def context_from(traceparent: str | None) -> Context | None:
    """The remote parent a `traceparent` names (None without one; a malformed one names none)."""
    if not traceparent:
        return None
    return _W3C.extract({"traceparent": traceparent})


@contextmanager
def span(
    name: str, *, parent: str | None = None, kind: SpanKind = SpanKind.INTERNAL,
    attributes: Attributes = None, links: list[Link] | None = None,
) -> Iterator[Span]:
    """A current span named `name` (a child of `parent`, a `traceparent`, when given), with the
    request id when one is known; a non-recording one, at no cost, while tracing is off."""
    if _state.provider is None:
        yield INVALID_SPAN
        return
    if request_id := correlation_id.get():
        attributes = {REQUEST_ID: request_id, **(attributes or {})}
    tracer = _state.provider.get_tracer(TRACER)
    with tracer.start_as_current_span(name, context=context_from(parent), kind=kind, attributes=attributes,
                                      links=links) as current:
        yield current


def record_span(
    name: str, *, parent: str | None, start_ns: int, kind: SpanKind = SpanKind.INTERNAL,
    attributes: Attributes = None,
) -> None:
    """A span already over (from `start_ns` until now), a child of `parent`; nothing while tracing
    is off or without a parent (work done for many traces at once belongs to each of them)."""
    if _state.provider is None or not parent:
        return
    tracer = _state.provider.get_tracer(TRACER)
    tracer.start_span(name, context=context_from(parent), kind=kind, attributes=attributes,
                      start_time=start_ns).end()


__all__ = [
    "REQUEST_ID",
    "SpanKind",
    "current_traceparent",
    "default_service_name",
    "enabled_by_environment",
    "in_memory",
    "instrument_app",
    "instrument_engine",
    "protocol",
    "provider",
    "record_span",
    "setup_tracing",
    "span",
    "start_tracing",
    "stop_tracing",
    "tag_request",
]
