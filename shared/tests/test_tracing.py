"""Tracing: off unless an OTLP endpoint is configured; when on, server and database spans per request."""

from __future__ import annotations

import logging

import httpx
import orjson
import pytest
from fastapi import APIRouter
from pydantic_settings import SettingsConfigDict
from sqlalchemy import text

from shared import testing, tracing
from shared.app import SessionDep, create_service_app
from shared.config import ServiceSettings
from shared.events import Envelope
from shared.logging import JsonFormatter, correlation_id


class TracedSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRACED_", env_file=None, extra="ignore")


router = APIRouter()


@router.get("/api/v1/event")
async def make_event(session: SessionDep) -> dict[str, str | None]:
    await session.execute(text("SELECT 1"))
    return {"traceparent": Envelope.new(event_type="x", source="test", tenant_id="t").traceparent}


def app_settings() -> TracedSettings:
    return TracedSettings(redis_url=testing.redis_url("shared"),
                          database_url=testing.pg_server_url() + "/postgres")


async def call(path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    app = create_service_app(app_settings(), title="traced", routers=[router])
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        return await http.get(path, headers=headers)


async def test_tracing_is_off_without_an_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in tracing.ENDPOINT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    answer = await call("/api/v1/event")
    assert answer.json() == {"traceparent": None}
    assert tracing.provider() is None
    with tracing.span("anything") as current:
        assert not current.is_recording()


async def test_one_request_is_one_trace_with_its_statements_and_its_events() -> None:
    with tracing.in_memory() as exporter:
        answer = await call("/api/v1/event")
        await call("/health")
        spans = exporter.get_finished_spans()
    server = next(s for s in spans if s.name == "GET /api/v1/event")
    statements = [s for s in spans if s.attributes and s.attributes.get("db.system") == "postgresql"]
    trace_id = f"{server.context.trace_id:032x}"
    assert answer.json()["traceparent"].split("-")[1] == trace_id
    assert any(f"{s.context.trace_id:032x}" == trace_id for s in statements)
    assert not any("health" in s.name for s in spans)  # probes are not traced
    assert tracing.provider() is None  # off again after the block


def test_the_standard_variables_turn_it_on_and_choose_the_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not tracing.enabled_by_environment({})
    assert tracing.enabled_by_environment({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318"})
    assert tracing.protocol({}) == "http/protobuf"
    with pytest.raises(ValueError, match="not supported"):
        tracing.protocol({"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"})
    assert tracing.default_service_name(app_settings()) == "tests"  # the package the settings live in
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "renamed")
    try:
        provider = tracing.setup_tracing("core_service")
        assert provider is not None and tracing.setup_tracing("other") is provider  # once per process
        assert provider.resource.attributes["service.name"] == "renamed"
    finally:
        tracing.stop_tracing()


def test_a_log_line_written_in_a_trace_names_it() -> None:
    record = logging.makeLogRecord({"msg": "request", "levelname": "INFO", "name": "http"})
    assert "trace_id" not in orjson.loads(JsonFormatter("svc").format(record))
    with tracing.in_memory(), tracing.span("a request") as current:
        line = orjson.loads(JsonFormatter("svc").format(record))
    assert line["trace_id"] == f"{current.get_span_context().trace_id:032x}"


async def test_a_request_id_finds_the_trace_of_its_request() -> None:
    with tracing.in_memory() as exporter:
        given = await call("/api/v1/event", {"X-Request-ID": "req-42"})
        made = await call("/api/v1/event")
        spans = exporter.get_finished_spans()
    servers = [s for s in spans if s.name == "GET /api/v1/event"]
    assert [s.attributes and s.attributes.get(tracing.REQUEST_ID) for s in servers] == [
        "req-42", made.headers["X-Request-ID"]]  # the id sent, else the one made and answered
    assert given.headers["X-Request-ID"] == "req-42"
    assert given.json()["traceparent"].split("-")[1] == f"{servers[0].context.trace_id:032x}"


def test_a_span_made_while_a_request_id_is_known_carries_it() -> None:
    with tracing.in_memory() as exporter:
        token = correlation_id.set("upd-7")
        try:
            with tracing.span("bot handler start", attributes={"bot.handler": "start"}):
                pass
        finally:
            correlation_id.reset(token)
        with tracing.span("a loop's own work"):
            pass
        inside, outside = exporter.get_finished_spans()
    assert inside.attributes == {"request_id": "upd-7", "bot.handler": "start"}
    assert tracing.REQUEST_ID not in (outside.attributes or {})
