"""Events management API: listing with filters, lookup, retry/replay, tenant isolation, auth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson

from integration_service.webhooks.processing import STREAM
from shared.events import Envelope

EVENTS = "/api/v1/webhooks/events"


async def deliver(wh, event_id: str, event_type: str = "order.paid", source: str = "crm", tenant=None):
    body = orjson.dumps({"id": event_id, "type": event_type})
    response = await wh.generic(source, body, {"X-Signature": wh.hmac_hex(body)}, tenant=tenant)
    assert response.status_code == 200, response.text


async def test_listing_filters_by_status_source_type_and_time_and_pages(wh, client) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET, event_types=["order.*"])
    await wh.config(source="erp", secret=wh.HMAC_SECRET)
    for n in range(3):
        await deliver(wh, f"o{n}")
    await deliver(wh, "u1", "user.created")
    await deliver(wh, "e1", source="erp")
    await wh.process()
    everything = (await client.get(EVENTS)).json()
    assert everything["total"] == 5 and everything["total_exact"] and len(everything["items"]) == 5
    assert "raw_body" not in everything["items"][0]
    by_status = (await client.get(EVENTS, params={"status": "filtered"})).json()
    assert [e["event_id"] for e in by_status["items"]] == ["u1"]
    by_source = (await client.get(EVENTS, params={"source": "erp"})).json()
    assert [e["event_id"] for e in by_source["items"]] == ["e1"]
    by_type = (await client.get(EVENTS, params={"type": "order.paid", "limit": 2, "offset": 3})).json()
    assert by_type["total"] == 4 and len(by_type["items"]) == 1
    future = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert (await client.get(EVENTS, params={"since": future})).json()["total"] == 0
    assert (await client.get(EVENTS, params={"until": future})).json()["total"] == 5
    assert (await client.get(EVENTS, params={"status": "nonsense"})).status_code == 422
    assert (await client.get(EVENTS, params={"limit": 0})).status_code == 422


async def test_one_event_by_provider_id_or_row_id_with_body_and_headers(wh, client) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    await deliver(wh, "o1")
    by_event_id = await client.get(f"{EVENTS}/o1")
    assert by_event_id.status_code == 200
    detail = by_event_id.json()
    assert orjson.loads(detail["body"]) == {"id": "o1", "type": "order.paid"}
    assert "x-signature" in detail["headers"] and detail["errors"] == []
    assert (await client.get(f"{EVENTS}/{detail['id']}")).json()["event_id"] == "o1"
    assert (await client.get(f"{EVENTS}/missing")).status_code == 404


async def test_ambiguous_event_id_needs_the_source(wh, client) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    await wh.config(source="erp", secret=wh.HMAC_SECRET)
    await deliver(wh, "same")
    await deliver(wh, "same", source="erp")
    assert (await client.get(f"{EVENTS}/same")).status_code == 409
    assert (await client.get(f"{EVENTS}/same", params={"source": "erp"})).json()["source"] == "erp"


async def test_retry_of_a_processed_event_publishes_it_again(wh, client, redis) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    await deliver(wh, "o1")
    await wh.process()
    assert (await client.post(f"{EVENTS}/o1/retry")).status_code == 202
    assert (await client.post(f"{EVENTS}/o1/retry")).status_code == 409  # already queued
    await wh.process()
    assert await wh.published() == ["o1", "o1"]
    [row] = await wh.rows()
    assert row.status == "processed"


async def test_replay_queues_finished_events_of_a_range(wh, client) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    since = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    for n in range(3):
        await deliver(wh, f"o{n}")
    await wh.process()
    until = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    response = await client.post(f"{EVENTS}/replay", json={"since": since, "until": until, "source": "crm"})
    assert response.status_code == 202 and response.json() == {"queued": 3}
    await wh.process()
    assert sorted(await wh.published()) == sorted(["o0", "o1", "o2"] * 2)
    bad = await client.post(f"{EVENTS}/replay", json={"since": until, "until": since})
    assert bad.status_code == 422


async def test_events_of_one_tenant_are_invisible_to_another(wh, client) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET, tenant="a")
    await deliver(wh, "a1", tenant="a")
    other = {"X-Tenant-ID": "b"}
    assert (await client.get(EVENTS, headers=other)).json()["total"] == 0
    assert (await client.get(f"{EVENTS}/a1", headers=other)).status_code == 404
    assert (await client.post(f"{EVENTS}/a1/retry", headers=other)).status_code == 404
    now = datetime.now(UTC)
    replay = {
        "since": (now - timedelta(hours=1)).isoformat(),
        "until": (now + timedelta(hours=1)).isoformat(),
    }
    await wh.process()
    assert (await client.post(f"{EVENTS}/replay", json=replay, headers=other)).json() == {"queued": 0}
    assert (await client.get(EVENTS, headers={"X-Tenant-ID": "a"})).json()["total"] == 1


async def test_published_envelopes_carry_their_tenant(wh, redis) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET, tenant="a")
    await deliver(wh, "a1", tenant="a")
    await wh.process()
    [(_, fields)] = await redis.xrange(STREAM)
    assert Envelope.from_json(fields[b"envelope"]).tenant_id == "a"


async def test_events_api_needs_the_token(anon) -> None:
    assert (await anon.get(EVENTS)).status_code == 401
    assert (await anon.post(f"{EVENTS}/x/retry")).status_code == 401
