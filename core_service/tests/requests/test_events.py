"""Every change writes its `core.request.*` events once, in its transaction; refused changes write none."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from sqlalchemy import select

from core_service.events.models import OutboxEvent
from shared.db import session_scope


async def outbox(sessionmaker) -> list[OutboxEvent]:
    async for session in session_scope(sessionmaker):
        return list((await session.execute(select(OutboxEvent).order_by(OutboxEvent.id))).scalars())
    raise AssertionError


async def channels(sessionmaker) -> list[str]:
    return [row.channel for row in await outbox(sessionmaker)]


async def test_each_change_emits_its_events_once(client, sessionmaker, people, file_request):
    number = (await file_request(people["applicant"]))["number"]
    assert await channels(sessionmaker) == ["core.request.created"]
    await client.post(f"/api/v1/requests/{number}/take", headers=people["executor"].headers)
    assert (await channels(sessionmaker))[1:] == ["core.request.assigned", "core.request.status_changed"]
    await client.post(
        f"/api/v1/requests/{number}/assign",
        json={"executor_id": people["other_executor"].id},
        headers=people["manager"].headers,
    )
    assert (await channels(sessionmaker))[3:] == ["core.request.assigned"]
    await client.post(
        f"/api/v1/requests/{number}/comments",
        json={"text": "Буду в 15:00"},
        headers=people["other_executor"].headers,
    )
    assert (await channels(sessionmaker))[4:] == ["core.request.commented"]
    await client.patch(
        f"/api/v1/requests/{number}/status",
        json={"status": "completed"},
        headers=people["other_executor"].headers,
    )
    await client.patch(
        f"/api/v1/requests/{number}/status",
        json={"status": "accepted", "rating": 5},
        headers=people["applicant"].headers,
    )
    assert (await channels(sessionmaker))[5:] == [
        "core.request.status_changed",
        "core.request.status_changed",
        "core.request.rated",
    ]
    rows = await outbox(sessionmaker)
    assert len({row.event_id for row in rows}) == len(rows)


async def test_refused_changes_emit_nothing(client, sessionmaker, people, file_request):
    number = (await file_request(people["applicant"]))["number"]
    before = await channels(sessionmaker)
    url = f"/api/v1/requests/{number}"
    refused = [
        await client.patch(f"{url}/status", json={"status": "completed"}, headers=people["manager"].headers),
        await client.patch(
            f"{url}/status", json={"status": "cancelled"}, headers=people["applicant"].headers
        ),
        await client.patch(
            f"{url}/status", json={"status": "cancelled", "reason": "x"}, headers=people["executor"].headers
        ),
        await client.post(
            f"{url}/assign", json={"executor_id": people["executor"].id}, headers=people["applicant"].headers
        ),
        await client.post(
            f"{url}/assign", json={"executor_id": people["applicant"].id}, headers=people["manager"].headers
        ),
        await client.post(f"{url}/take", headers=people["applicant"].headers),
        await client.post(f"{url}/comments", json={"text": "  "}, headers=people["applicant"].headers),
        await client.post(
            "/api/v1/requests",
            json={"building_id": 999999, "apartment": "1", "category": "other", "description": "нет дома"},
            headers=people["applicant"].headers,
        ),
    ]
    assert [r.status_code for r in refused] == [409, 422, 403, 403, 422, 403, 422, 422]
    assert await channels(sessionmaker) == before


async def test_event_data_carries_what_the_notifier_needs(client, sessionmaker, people, file_request):
    number = (await file_request(people["applicant"], urgency="critical"))["number"]
    await client.post(
        f"/api/v1/requests/{number}/assign",
        json={"executor_id": people["executor"].id},
        headers=people["manager"].headers,
    )
    await client.post(
        f"/api/v1/requests/{number}/comments",
        json={"text": "Откройте дверь"},
        headers=people["executor"].headers,
    )
    rows = await outbox(sessionmaker)
    created, assigned, changed, commented = (row.payload for row in rows)
    assert created["event_type"] == "request.created" and created["source"] == "core"
    assert created["tenant_id"] == "default" and created["version"] == 1
    data = created["data"]
    assert data["number"] == number and data["status"] == "new" and data["old_status"] is None
    assert data["applicant_id"] == people["applicant"].id
    assert data["applicant_telegram_id"] == people["applicant"].telegram_id
    assert data["building_address"] == "Ташкент, ул. Навои, 1"
    assert data["category"] == "plumbing" and data["urgency"] == "critical"
    assert data["manager_telegram_ids"] == [people["manager"].telegram_id]
    assert sorted(data["executor_telegram_ids"]) == sorted(
        [people["executor"].telegram_id, people["other_executor"].telegram_id]
    )
    assert assigned["data"]["executor_telegram_id"] == people["executor"].telegram_id
    assert assigned["data"]["actor_id"] == people["manager"].id
    assert changed["data"]["old_status"] == "new" and changed["data"]["status"] == "in_progress"
    assert commented["data"]["comment"] == "Откройте дверь"
    assert commented["data"]["comment_author_telegram_id"] == people["executor"].telegram_id
    assert commented["data"]["applicant_telegram_id"] == people["applicant"].telegram_id


async def test_the_relay_publishes_to_pubsub_and_stream_core(
    client, core, sessionmaker, redis, people, file_request
):
    pubsub = redis.pubsub()
    await pubsub.psubscribe("core.request.*")
    await pubsub.get_message(timeout=1)
    number = (await file_request(people["applicant"]))["number"]
    assert await core.relay.run_once() == 1
    entries = await redis.xrange("stream:core")
    assert len(entries) == 1
    fields = entries[0][1]
    assert fields[b"channel"] == b"core.request.created"
    assert orjson.loads(fields[b"envelope"])["data"]["number"] == number
    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=2)
    assert message is not None and message["channel"] == b"core.request.created"
    await pubsub.aclose()
    assert all(row.published_at is not None for row in await outbox(sessionmaker))
    assert await core.relay.run_once() == 0


@pytest.mark.parametrize("settings_overrides", [{"run_workers": True}])
async def test_the_relay_runs_in_the_lifespan(client, redis, people, file_request, settings_overrides):
    rated = (await file_request(people["applicant"]))["number"]
    for _ in range(1500):
        if await redis.xlen("stream:core"):
            break
        await asyncio.sleep(0.02)
    entries = await redis.xrange("stream:core")
    assert [orjson.loads(e[1][b"envelope"])["data"]["number"] for e in entries] == [rated]
