"""The batched insert: one statement per batch, duplicates answered per delivery, bad rows alone."""

from __future__ import annotations

import asyncio

from integration_service.webhooks.store import NewEvent, insert_events


def event(event_id: str, config_id: int, **fields: object) -> NewEvent:
    values: dict[str, object] = dict(
        tenant="default", source="stripe", event_id=event_id, event_type="t", raw=b"{}",
        headers={"content-type": "application/json"}, source_ip="10.0.0.1", scheme="stripe",
        config_id=config_id, max_attempts=8, ingest_ms=0.5, correlation_id="rid-1",
    )
    values.update(fields)
    return NewEvent(**values)  # type: ignore[arg-type]


async def test_a_batch_answers_new_and_duplicate_per_delivery(wh) -> None:
    config = await wh.config()
    pool = wh.receivers.writer.pool
    first = await insert_events(pool, [event("a", config["id"]), event("b", config["id"])], 5)
    again = await insert_events(pool, [event("b", config["id"]), event("c", config["id"]),
                                       event("c", config["id"]), event("a", config["id"])], 5)
    assert first == [True, True]
    assert again == [False, True, False, False]
    rows = await wh.rows()
    assert sorted(r.event_id for r in rows) == ["a", "b", "c"]
    assert {r.source_ip for r in rows} == {"10.0.0.1"}
    assert rows[0].headers == {"content-type": "application/json"}
    assert all(r.status == "received" and r.correlation_id == "rid-1" for r in rows)


async def test_a_row_the_database_refuses_fails_alone(wh) -> None:
    config = await wh.config()
    pool = wh.receivers.writer.pool
    results = await insert_events(pool, [event("ok-1", config["id"]), event("orphan", 999_999),
                                         event("ok-2", config["id"])], 5)
    assert results[0] is True and results[2] is True
    assert isinstance(results[1], Exception) and "foreign key" in str(results[1])
    assert sorted(r.event_id for r in await wh.rows()) == ["ok-1", "ok-2"]


async def test_ninety_concurrent_deliveries_of_thirty_events_store_thirty_once(wh) -> None:
    config = await wh.config()
    writer = wh.receivers.writer
    events = [event(f"e{n % 30}", config["id"]) for n in range(90)]
    answers = await asyncio.gather(*(writer.store(e) for e in events))
    assert sum(answers) == 30
    assert len(await wh.rows()) == 30


async def test_a_repeat_of_a_refused_delivery_is_tried_itself_not_called_a_duplicate(wh) -> None:
    config = await wh.config()
    pool = wh.receivers.writer.pool
    refused = event("same", config["id"], event_type="t" * 300)  # longer than the column
    batch = [refused, event("same", config["id"]), event("other", config["id"])]
    results = await insert_events(pool, batch, 5)
    assert isinstance(results[0], Exception)
    assert results[1:] == [True, True]
    assert sorted(r.event_id for r in await wh.rows()) == ["other", "same"]


async def test_deliveries_beyond_the_waiting_limit_get_503_not_a_queue(wh) -> None:
    await wh.config()
    wh.receivers.writer.batches.max_pending = 0
    response = await wh.stripe(wh.stripe_event(wh.uid("evt_over")))
    assert response.status_code == 503 and response.json()["dependency"] == "database"
    assert response.headers["Retry-After"]
    assert await wh.rows() == []
