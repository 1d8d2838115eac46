"""Stripe receiver, checked against headers made by the stripe library."""

from __future__ import annotations

import time

import orjson
import stripe


async def test_signed_event_is_accepted_and_stored_with_its_delivery_details(wh) -> None:
    await wh.config()
    body = wh.stripe_event("evt_100")
    response = await wh.stripe(body)
    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "event_id": "evt_100"}
    [row] = await wh.rows()
    assert (row.source, row.event_id, row.event_type, row.status) == (
        "stripe",
        "evt_100",
        "payment_intent.succeeded",
        "received",
    )
    assert row.raw_body == body and row.signature_valid and row.signature_scheme == "stripe"
    assert row.headers["stripe-signature"].startswith("t=") and row.source_ip
    assert row.ingest_ms is not None and row.tenant_id == "default"


async def test_our_verifier_agrees_with_the_stripe_library(wh) -> None:
    await wh.config()
    body = wh.stripe_event("evt_lib")
    header = wh.stripe_header(body)
    stripe.WebhookSignature.verify_header(body.decode(), header, wh.STRIPE_SECRET, tolerance=300)
    assert (await wh.stripe(body, header=header)).status_code == 200


async def test_second_delivery_is_a_duplicate(wh) -> None:
    await wh.config()
    body = wh.stripe_event("evt_dup")
    assert (await wh.stripe(body)).json()["status"] == "accepted"
    again = await wh.stripe(body)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert len(await wh.rows()) == 1


async def test_bad_signatures_are_401_and_store_nothing(wh) -> None:
    await wh.config()
    body = wh.stripe_event("evt_bad")
    now = int(time.time())
    headers = {
        "wrong secret": wh.stripe_header(body, secret="whsec_other"),
        "stale": wh.stripe_header(body, timestamp=now - 301),
        "future": wh.stripe_header(body, timestamp=now + 360),
        "missing": "",
        "garbage": "nonsense",
        "no v1": f"t={now}",
    }
    for name, header in headers.items():
        response = await wh.stripe(body, header=header)
        assert response.status_code == 401, name
    tampered = body.replace(b"1000", b"9999")
    assert (await wh.stripe(tampered, header=wh.stripe_header(body))).status_code == 401
    assert (await wh.stripe(body, header=wh.stripe_header(body, timestamp=now - 301))).json()["reason"] == (
        "stale_timestamp"
    )
    assert await wh.rows() == []


async def test_reserialized_json_does_not_verify(wh) -> None:
    await wh.config()
    body = b'{"id": "evt_ws",   "type": "charge.succeeded", "data": {}}'
    header = wh.stripe_header(orjson.dumps(orjson.loads(body)))
    assert (await wh.stripe(body, header=header)).status_code == 401


async def test_any_v1_may_match_and_rotated_secrets_both_work(wh) -> None:
    await wh.config(secret="whsec_old")
    await wh.config(secret="whsec_new")
    body = wh.stripe_event("evt_rot1")
    ts = int(time.time())
    wrong = wh.stripe_header(body, secret="whsec_x", timestamp=ts).split("v1=")[1]
    good = wh.stripe_header(body, secret="whsec_new", timestamp=ts).split("v1=")[1]
    assert (await wh.stripe(body, header=f"t={ts},v1={wrong},v1={good}")).status_code == 200
    old = wh.stripe_event("evt_rot2")
    assert (await wh.stripe(old, header=wh.stripe_header(old, secret="whsec_old"))).status_code == 200


async def test_deactivated_secret_no_longer_verifies(wh, client) -> None:
    config = await wh.config()
    await client.patch(f"/api/v1/webhooks/configs/{config['id']}", json={"is_active": False})
    assert (await wh.stripe(wh.stripe_event("evt_off"))).status_code == 401


async def test_huge_body_is_413(wh) -> None:
    await wh.config()
    body = b'{"id": "evt_big", "type": "x", "pad": "' + b"a" * (1 << 20) + b'"}'
    assert (await wh.stripe(body)).status_code == 413
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))

    async def stream():
        for chunk in chunks:
            yield chunk

    # No Content-Length (chunked): the streamed size is what counts.
    response = await wh.anon.post(
        "/api/v1/webhooks/stripe", content=stream(), headers={"Stripe-Signature": wh.stripe_header(body)}
    )
    assert response.status_code == 413
    assert await wh.rows() == []


async def test_signed_but_not_json_is_400(wh) -> None:
    await wh.config()
    body = b"id=evt_1&type=x"
    assert (await wh.stripe(body)).status_code == 400
    no_id = orjson.dumps({"type": "charge.succeeded"})
    assert (await wh.stripe(no_id)).status_code == 400
    assert await wh.rows() == []


async def test_no_config_is_401_and_a_bad_tenant_400(wh) -> None:
    assert (await wh.stripe(wh.stripe_event())).status_code == 401
    assert (await wh.stripe(wh.stripe_event(), tenant="Not A Slug")).status_code == 400


async def test_the_same_event_id_in_two_tenants_is_two_events(wh) -> None:
    await wh.config(tenant="a")
    await wh.config(tenant="b")
    body = wh.stripe_event("evt_shared")
    assert (await wh.stripe(body, tenant="a")).json()["status"] == "accepted"
    assert (await wh.stripe(body, tenant="b")).json()["status"] == "accepted"
    assert (await wh.stripe(body)).status_code == 401
    assert {r.tenant_id for r in await wh.rows()} == {"a", "b"}


async def test_signed_json_with_a_nul_character_is_400_and_stores_nothing(wh) -> None:
    # PostgreSQL's JSONB cannot hold U+0000: such an event could never be published.
    await wh.config()
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    in_value = b'{"id": "evt_nul", "type": "x", "data": {"list": ["ok", "a\\u0000b"]}}'
    response = await wh.stripe(in_value)
    assert response.status_code == 400
    assert response.json()["reason"] == "nul_character" and "\\u0000" in response.json()["detail"]
    in_key = b'{"id": "k1", "k\\u0000": 1}'
    assert (await wh.generic("crm", in_key, {"X-Signature": wh.hmac_hex(in_key)})).status_code == 400
    assert await wh.rows() == []
    escaped_backslash = b'{"id": "evt_text", "type": "x", "note": "a\\\\u0000b"}'  # the text \u0000
    assert (await wh.stripe(escaped_backslash)).status_code == 200
