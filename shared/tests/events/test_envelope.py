"""The envelope: contract fields, defaults, UTC times and JSON round trips."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from pydantic import ValidationError

from shared.events import Envelope
from shared.logging import correlation_id


def test_new_envelope_has_a_uuid4_id_and_the_requests_correlation_id() -> None:
    token = correlation_id.set("req-123")
    try:
        env = Envelope.new(event_type="request.created", source="core", tenant_id="t1", data={"a": 1})
    finally:
        correlation_id.reset(token)
    assert uuid.UUID(env.event_id).version == 4
    assert env.correlation_id == "req-123"
    assert env.version == 1
    assert env.occurred_at.tzinfo is not None and env.occurred_at.utcoffset() == timedelta(0)


def test_explicit_event_id_and_correlation_id_win() -> None:
    env = Envelope.new(event_type="x", source="s", tenant_id="t", event_id="evt_1", correlation_id="c")
    assert (env.event_id, env.correlation_id) == ("evt_1", "c")


def test_json_has_exactly_the_contract_fields_and_round_trips() -> None:
    env = Envelope.new(event_type="webhook.stripe.charge", source="integration", tenant_id="t",
                       data={"nested": {"x": [1, 2]}})
    body = orjson.loads(env.to_json())
    assert set(body) == {"event_id", "event_type", "source", "tenant_id", "occurred_at", "version",
                         "correlation_id", "data"}
    assert body["occurred_at"].endswith("Z")
    assert Envelope.from_json(env.to_json()) == env


def test_times_are_converted_to_utc() -> None:
    tashkent = timezone(timedelta(hours=5))
    env = Envelope.new(event_type="x", source="s", tenant_id="t",
                       occurred_at=datetime(2026, 1, 1, 10, 0, tzinfo=tashkent))
    assert env.occurred_at == datetime(2026, 1, 1, 5, 0, tzinfo=UTC)
    naive = Envelope.new(event_type="x", source="s", tenant_id="t", occurred_at=datetime(2026, 1, 1))
    assert naive.occurred_at.tzinfo == UTC


def test_envelope_without_required_fields_is_rejected() -> None:
    with pytest.raises(ValidationError):
        Envelope.from_json(b'{"event_id": "1", "source": "s"}')
