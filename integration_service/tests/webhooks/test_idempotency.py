"""Idempotency under concurrency, and 503 (never 200) when the database is down."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from redis.asyncio import Redis

from integration_service.app import create_app
from shared.events import Envelope


async def test_twenty_identical_deliveries_at_once_store_one_row_and_publish_once(wh, redis: Redis) -> None:
    await wh.config()
    pubsub = redis.pubsub()
    await pubsub.psubscribe("integration.*")
    await pubsub.get_message(timeout=1)
    body = wh.stripe_event(wh.uid("evt_race"))
    header = wh.stripe_header(body)
    answers = await asyncio.gather(*(wh.stripe(body, header=header) for _ in range(20)))
    statuses = sorted(a.json()["status"] for a in answers)
    assert [a.status_code for a in answers] == [200] * 20
    assert statuses == ["accepted"] + ["duplicate"] * 19
    assert len(await wh.rows()) == 1
    await asyncio.gather(*(wh.process() for _ in range(3)))
    messages = []
    while (message := await pubsub.get_message(timeout=0.5)) is not None:
        messages.append(Envelope.from_json(message["data"]).event_id)
    assert wh.mine(messages) == [wh.uid("evt_race")]
    assert await wh.stream_ids(redis) == [wh.uid("evt_race")]
    await pubsub.aclose()


async def test_database_down_answers_503_so_the_sender_retries(settings) -> None:
    down = settings.model_copy(
        update={
            "database_url": "postgresql+asyncpg://postgres@127.0.0.1:1/nothing",
            "db_connect_timeout_seconds": 1.0,
        }
    )
    app = create_app(down)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as anon:
            response = await anon.post(
                "/api/v1/webhooks/stripe",
                content=b'{"id": "evt_1", "type": "x"}',
                headers={"Stripe-Signature": "t=1,v1=00"},
            )
    assert response.status_code == 503
    assert response.headers["Retry-After"] and response.json()["dependency"] == "database"


async def test_database_lost_after_the_config_was_cached_still_answers_503(wh) -> None:
    import asyncpg

    await wh.config()
    assert (await wh.stripe(wh.stripe_event("evt_ok"))).status_code == 200  # config now cached
    runtime = wh.receivers
    healthy = runtime.writer.pool
    nowhere = "postgresql://postgres@127.0.0.1:1/none"
    runtime.writer.pool = await asyncpg.create_pool(nowhere, min_size=0, timeout=1)
    try:
        response = await wh.stripe(wh.stripe_event("evt_lost"))
    finally:
        await runtime.writer.pool.close()
        runtime.writer.pool = healthy
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert [r.event_id for r in await wh.rows()] == ["evt_ok"]


class RefusingPool:
    """Stands in for asyncpg's pool: every acquire meets the given PostgreSQL error."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def acquire(self, timeout: float | None = None) -> RefusingPool:
        return self

    async def __aenter__(self) -> None:
        raise self.error

    async def __aexit__(self, *exc_info: object) -> bool:
        return False


def refusals():
    from asyncpg import exceptions

    return [
        exceptions.TooManyConnectionsError("sorry, too many clients already"),
        exceptions.ReadOnlySQLTransactionError("cannot execute INSERT in a read-only transaction"),
        exceptions.CannotConnectNowError("the database system is starting up"),
        exceptions.SerializationError("could not serialize access"),
    ]


async def test_insert_turns_transient_postgres_refusals_into_database_unavailable() -> None:
    from asyncpg import exceptions

    from integration_service.webhooks.store import DATABASE_ERRORS, NewEvent, insert_events

    event = NewEvent(
        tenant="default", source="stripe", event_id="e", event_type="t", raw=b"{}", headers={},
        source_ip=None, scheme="stripe", config_id=1, max_attempts=8, ingest_ms=0.1, correlation_id=None,
    )
    for error in refusals():
        with pytest.raises(DATABASE_ERRORS):
            await insert_events(RefusingPool(error), [event], 1)
    with pytest.raises(exceptions.UndefinedTableError):  # a bug, not an outage: stays a 500
        await insert_events(RefusingPool(exceptions.UndefinedTableError("no table")), [event], 1)


async def test_postgres_refusing_connections_answers_503_with_retry_after(wh) -> None:
    await wh.config()
    assert (await wh.stripe(wh.stripe_event("evt_ok"))).status_code == 200
    runtime = wh.receivers
    healthy = runtime.writer.pool
    answers = []
    try:
        for n, error in enumerate(refusals()):
            runtime.writer.pool = RefusingPool(error)
            answers.append(await wh.stripe(wh.stripe_event(f"evt_refused_{n}")))
    finally:
        runtime.writer.pool = healthy
    assert [(r.status_code, r.json()["dependency"]) for r in answers] == [(503, "database")] * 4
    assert all(r.headers["Retry-After"] for r in answers)
    assert [r.event_id for r in await wh.rows()] == ["evt_ok"]
