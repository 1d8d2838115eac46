"""The worker: events published once straight from their rows, filtering, retries, dead events."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from sqlalchemy import update

from integration_service.lifecycle import resources_of
from integration_service.webhooks import processing
from integration_service.webhooks.models import WebhookEvent
from integration_service.webhooks.processing import STREAM, backoff
from integration_service.webhooks.worker import WebhookWorker
from shared.events import Envelope, OncePublisher


async def test_processed_event_is_published_on_its_channel_and_the_stream(wh, redis) -> None:
    await wh.config()
    pubsub = redis.pubsub()
    await pubsub.psubscribe("integration.*")
    await pubsub.get_message(timeout=1)
    await wh.stripe(wh.stripe_event(wh.uid("evt_pub")))
    assert await wh.process() == 1
    messages = []
    while (message := await pubsub.get_message(timeout=1)) is not None:
        if Envelope.from_json(message["data"]).event_id == wh.uid("evt_pub"):
            messages.append(message)
    [message] = messages
    assert message["channel"] == b"integration.webhook.stripe.payment_intent.succeeded"
    envelope = Envelope.from_json(message["data"])
    assert (envelope.source, envelope.tenant_id) == ("integration", "default")
    assert envelope.event_type == "webhook.stripe.payment_intent.succeeded"
    assert envelope.data["payload"]["data"]["object"]["amount"] == 1000
    assert [f for _, f in await redis.xrange(STREAM) if Envelope.from_json(f[b"envelope"]) == envelope]
    [row] = await wh.rows()
    assert row.status == "processed" and row.processed_at and row.published_at
    await pubsub.aclose()


async def test_generic_and_google_event_names(wh, redis) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    body = orjson.dumps({"id": wh.uid("c1"), "type": "order.paid"})
    await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})
    await wh.process()
    channels = [
        f[b"channel"]
        for _, f in await redis.xrange(STREAM)
        if Envelope.from_json(f[b"envelope"]).event_id == wh.uid("c1")
    ]
    assert channels == [b"integration.webhook.generic.crm.order.paid"]


async def test_an_unsigned_type_header_is_a_hint_never_the_channel(wh, redis) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    await wh.config(source="github", secret=wh.HMAC_SECRET, signature_scheme="github")
    body = orjson.dumps({"id": wh.uid("t1"), "event": "order.paid"})
    await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body), "X-Event-Type": "refund.issued"})
    push = orjson.dumps({"id": wh.uid("t2"), "ref": "refs/heads/main"})
    hub = {"X-Hub-Signature-256": "sha256=" + wh.hmac_hex(push), "X-GitHub-Event": "push"}
    await wh.generic("github", push, hub)
    await wh.process()
    published = {
        envelope.event_id: (f[b"channel"], envelope.data.get("unsigned_type_hint"))
        for _, f in await redis.xrange(STREAM)
        if (envelope := Envelope.from_json(f[b"envelope"])).event_id in (wh.uid("t1"), wh.uid("t2"))
    }
    assert published == {
        wh.uid("t1"): (b"integration.webhook.generic.crm.order.paid", "refund.issued"),
        wh.uid("t2"): (b"integration.webhook.generic.github.event", "push"),
    }


async def test_event_types_matching_no_glob_are_filtered_and_not_published(wh) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET, event_types=["order.*"])
    for event_id, event_type in (("a", "order.paid"), ("b", "user.created")):
        body = orjson.dumps({"id": event_id, "type": event_type})
        await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})
    await wh.process()
    rows = await wh.rows()
    assert {r.event_id: r.status for r in rows} == {"a": "processed", "b": "filtered"}
    assert [r.published_at is not None for r in rows] == [True, False]
    assert await wh.published() == ["a"]


def test_backoff_doubles_from_one_minute_with_jitter_and_is_capped() -> None:
    for attempts, minutes in ((1, 1), (2, 2), (3, 4), (6, 32)):
        delay = backoff(attempts)
        assert timedelta(minutes=minutes) * 0.8 <= delay <= timedelta(minutes=minutes) * 1.2
    assert backoff(40) == timedelta(hours=24)


@pytest.fixture
def flaky_source():
    def fail(event):
        raise RuntimeError("downstream refused")

    processing.PROCESSORS["flaky"] = fail
    yield "flaky"
    processing.PROCESSORS.pop("flaky")


async def make_due(app) -> None:
    async with resources_of(app).sessionmaker() as session, session.begin():
        await session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.status == "failed")
            .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
        )


async def test_failures_retry_with_backoff_then_the_event_is_dead(wh, flaky_source) -> None:
    await wh.config(source=flaky_source, secret=wh.HMAC_SECRET, max_attempts=3)
    body = b'{"id": "f1"}'
    await wh.generic(flaky_source, body, {"X-Signature": wh.hmac_hex(body)})
    await wh.process()
    [row] = await wh.rows()
    assert row.status == "failed" and row.attempts == 1
    assert timedelta(seconds=40) < row.next_attempt_at - datetime.now(UTC) < timedelta(seconds=80)
    assert await wh.process() == 0  # not due yet
    for _ in range(2):
        await make_due(wh.app)
        await wh.process()
    [row] = await wh.rows()
    assert (row.status, row.attempts, row.next_attempt_at) == ("dead", 3, None)
    assert [e["attempt"] for e in row.errors] == [1, 2, 3]
    assert "downstream refused" in row.last_error and row.published_at is None
    assert await wh.published() == []


async def test_several_workers_never_process_an_event_twice(wh, redis) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    for n in range(300):
        body = orjson.dumps({"id": wh.uid(f"w{n}")})
        await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})

    async def drain() -> int:
        publisher = OncePublisher(redis)  # each worker its own, as each process has
        total = 0
        while (n := await processing.process_batch(resources_of(wh.app).sessionmaker, publisher, 25)) > 0:
            total += n
        return total

    counts = await asyncio.gather(*(drain() for _ in range(4)))
    assert sum(counts) == 300
    ids = await wh.stream_ids(redis)
    assert len(ids) == len(set(ids)) == 300


async def test_running_worker_publishes_within_a_second_of_acceptance(wh, redis) -> None:
    await wh.config()
    resources = resources_of(wh.app)
    worker = WebhookWorker(resources.engine, resources.sessionmaker, redis, interval=30)
    await worker.start()
    assert resources.receivers is not None
    # Receivers that wake this worker, as the API's start-up builds them when it runs the worker.
    resources.receivers = replace(resources.receivers, wake=worker.wake)
    assert worker._listener is not None
    await asyncio.wait_for(worker._listener.connected.wait(), 5)
    await asyncio.sleep(0.1)
    started = asyncio.get_running_loop().time()
    await wh.stripe(wh.stripe_event(wh.uid("evt_fast")))
    while not await wh.stream_ids(redis) and asyncio.get_running_loop().time() - started < 5:
        await asyncio.sleep(0.005)
    elapsed = asyncio.get_running_loop().time() - started
    await worker.stop()
    assert await wh.stream_ids(redis) == [wh.uid("evt_fast")] and elapsed < 1.0


async def test_an_event_that_cannot_be_processed_fails_alone_and_the_rest_of_the_batch_is_published(
    wh, flaky_source
) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    await wh.config(source=flaky_source, secret=wh.HMAC_SECRET, max_attempts=2)
    for n in range(3):
        body = orjson.dumps({"id": wh.uid(f"good{n}")})
        assert (await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})).status_code == 200
    bad = orjson.dumps({"id": "bad"})
    assert (await wh.generic(flaky_source, bad, {"X-Signature": wh.hmac_hex(bad)})).status_code == 200
    assert await wh.process() == 4
    statuses = {r.event_id: r.status for r in await wh.rows()}
    assert statuses == {**{wh.uid(f"good{n}"): "processed" for n in range(3)}, "bad": "failed"}
    assert sorted(await wh.published()) == [wh.uid(f"good{n}") for n in range(3)]
    await make_due(wh.app)
    await wh.process()
    [row] = await wh.rows(event_id="bad")
    assert (row.status, row.attempts, row.next_attempt_at) == ("dead", 2, None)
    assert len(await wh.published()) == 3


async def test_running_worker_keeps_publishing_past_an_event_that_fails(wh, redis, flaky_source) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    await wh.config(source=flaky_source, secret=wh.HMAC_SECRET)
    bad = orjson.dumps({"id": "bad"})
    assert (await wh.generic(flaky_source, bad, {"X-Signature": wh.hmac_hex(bad)})).status_code == 200
    resources = resources_of(wh.app)
    worker = WebhookWorker(resources.engine, resources.sessionmaker, redis, interval=0.05)
    await worker.start()
    try:
        for n in range(3):
            body = orjson.dumps({"id": wh.uid(f"after{n}")})
            assert (await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})).status_code == 200
        deadline = asyncio.get_running_loop().time() + 5
        while len(await wh.stream_ids(redis)) < 3 and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
    finally:
        await worker.stop()
    assert sorted(await wh.stream_ids(redis)) == [wh.uid(f"after{n}") for n in range(3)]
    [row] = await wh.rows(event_id="bad")
    assert (row.status, row.attempts) == ("failed", 1)


async def test_an_event_published_before_its_commit_failed_is_not_published_again(wh, redis) -> None:
    # The worker died (or its commit failed) after Redis took the batch: the rows are still due.
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    body = orjson.dumps({"id": wh.uid("lost")})
    await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})
    [row] = await wh.rows()
    await OncePublisher(redis).publish([processing.publication(row, processing.envelope_for(row))])
    assert await wh.process() == 1
    assert await wh.stream_ids(redis) == [wh.uid("lost")]
    [row] = await wh.rows()
    assert row.status == "processed" and row.published_at is not None
