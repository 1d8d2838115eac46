"""Google push channels, Yandex HMAC and generic senders (HMAC, GitHub, Standard Webhooks)."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

import orjson
import standardwebhooks

GOOGLE = "/api/v1/webhooks/google/sheets"


def drive_headers(number: str, state: str = "update", token: str = "chan-token", channel: str = "ch-1"):  # noqa: S107
    return {
        "X-Goog-Channel-ID": channel,
        "X-Goog-Channel-Token": token,
        "X-Goog-Message-Number": number,
        "X-Goog-Resource-State": state,
        "X-Goog-Resource-ID": "res-1",
        "X-Goog-Resource-URI": "https://www.googleapis.com/drive/v3/files/abc",
    }


async def test_google_notification_with_the_channel_token_is_accepted(wh) -> None:
    await wh.config(source="google_sheets", secret="chan-token", channel_id="ch-1")
    response = await wh.anon.post(GOOGLE, headers=drive_headers("7"))
    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "event_id": "ch-1:7"}
    [row] = await wh.rows()
    assert row.event_type == "update" and row.headers["x-goog-channel-token"] == "***"


async def test_google_wrong_token_or_unknown_channel_is_401(wh) -> None:
    await wh.config(source="google_sheets", secret="chan-token", channel_id="ch-1")
    assert (await wh.anon.post(GOOGLE, headers=drive_headers("1", token="nope"))).status_code == 401
    assert (await wh.anon.post(GOOGLE, headers=drive_headers("1", channel="ch-9"))).status_code == 401
    missing = drive_headers("1")
    del missing["X-Goog-Channel-Token"]
    assert (await wh.anon.post(GOOGLE, headers=missing)).status_code == 401
    assert await wh.rows() == []


async def test_google_sync_is_acknowledged_but_never_published(wh) -> None:
    await wh.config(source="google_sheets", secret="chan-token", channel_id="ch-1")
    assert (await wh.anon.post(GOOGLE, headers=drive_headers("1", state="sync"))).status_code == 200
    await wh.process()
    [row] = await wh.rows()
    assert row.status == "filtered" and await wh.published() == []


async def test_yandex_hmac_of_the_raw_body(wh) -> None:
    await wh.config(source="yandex_maps", secret=wh.HMAC_SECRET)
    body = b'{"id": "y-1", "type": "geo.updated"}'
    ok = await wh.anon.post(
        "/api/v1/webhooks/yandex/maps", content=body, headers={"X-Signature": wh.hmac_hex(body)}
    )
    assert ok.json() == {"status": "accepted", "event_id": "y-1"}
    bad = await wh.anon.post(
        "/api/v1/webhooks/yandex/maps", content=body, headers={"X-Signature": wh.hmac_hex(body, "other")}
    )
    assert bad.status_code == 401


async def test_generic_hmac_accepts_prefixed_and_bare_hex_and_takes_ids_from_the_signed_body(wh) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    with_id = b'{"id": "o-5", "type": "order.paid", "order": 5}'
    prefixed = await wh.generic("crm", with_id, {"X-Signature": f"sha256={wh.hmac_hex(with_id)}"})
    assert prefixed.json() == {"status": "accepted", "event_id": "o-5"}
    body = b'{"type": "order.paid", "order": 6}'
    bare = await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body), "X-Event-Type": "custom"})
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    assert bare.json() == {"status": "accepted", "event_id": digest}
    types = {r.event_id: r.event_type for r in await wh.rows()}
    assert types == {"o-5": "order.paid", digest: "order.paid"}


async def test_a_signed_delivery_resent_with_fresh_id_headers_is_a_duplicate(wh) -> None:
    # X-Event-ID and X-GitHub-Delivery are not signed: a replay under a new id is the same event.
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    await wh.config(source="github", secret=wh.HMAC_SECRET, signature_scheme="github")
    body = b'{"id": "o-7", "type": "order.paid"}'
    signed = {"X-Signature": wh.hmac_hex(body)}
    first = await wh.generic("crm", body, {**signed, "X-Event-ID": "a"})
    again = await wh.generic("crm", body, {**signed, "X-Event-ID": "b"})
    assert first.json() == {"status": "accepted", "event_id": "o-7"}
    assert again.json() == {"status": "duplicate", "event_id": "o-7"}
    push = b'{"ref": "refs/heads/main"}'
    hub = {"X-Hub-Signature-256": "sha256=" + wh.hmac_hex(push), "X-GitHub-Event": "push"}
    answers = [
        (await wh.generic("github", push, {**hub, "X-GitHub-Delivery": delivery})).json()["status"]
        for delivery in ("d-1", "d-2")
    ]
    assert answers == ["accepted", "duplicate"]
    assert len(await wh.rows()) == 2


async def test_generic_hmac_known_vector(wh) -> None:
    # HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), the RFC 4231-style classic.
    await wh.config(source="vector", secret="key")
    body = b"The quick brown fox jumps over the lazy dog"
    expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    response = await wh.generic("vector", orjson.dumps({"text": body.decode()}), {"X-Signature": expected})
    assert response.status_code == 401  # the signature is over other bytes
    assert wh.hmac_hex(body, "key") == expected


async def test_github_signature_known_vector(wh) -> None:
    # GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
    secret = "It's a Secret to Everybody"
    await wh.config(source="github", secret=secret, signature_scheme="github")
    assert wh.hmac_hex(b"Hello, World!", secret) == (
        "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )
    body = b'{"zen": "Hello, World!", "hook_id": 1}'
    signature = "sha256=" + wh.hmac_hex(body, secret)
    delivery = {"X-Hub-Signature-256": signature, "X-GitHub-Delivery": "d-1", "X-GitHub-Event": "push"}
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    assert (await wh.generic("github", body, delivery)).json() == {"status": "accepted", "event_id": digest}
    assert {r.event_id: r.event_type for r in await wh.rows()} == {digest: "event"}
    assert (await wh.generic("github", body, {"X-Hub-Signature-256": wh.hmac_hex(body)})).status_code == 401
    assert (await wh.generic("github", body, {})).status_code == 401


async def test_standard_webhooks_headers_from_the_library_verify(wh) -> None:
    await wh.config(source="svix", secret=wh.STANDARD_SECRET, signature_scheme="standard_webhooks")
    body = b'{"type": "invoice.paid", "data": {"n": 1}}'
    headers = wh.standard_headers(body, "msg_abc")
    standardwebhooks.Webhook(wh.STANDARD_SECRET).verify(body, headers)
    response = await wh.generic("svix", body, headers)
    assert response.json() == {"status": "accepted", "event_id": "msg_abc"}
    assert (await wh.generic("svix", body, headers)).json()["status"] == "duplicate"


async def test_standard_webhooks_rejects_stale_future_tampered_and_unsigned(wh) -> None:
    await wh.config(source="svix", secret=wh.STANDARD_SECRET, signature_scheme="standard_webhooks")
    body = b'{"type": "invoice.paid"}'
    now = datetime.now(UTC)
    cases = {
        "stale": wh.standard_headers(body, when=now - timedelta(seconds=360)),
        "future": wh.standard_headers(body, when=now + timedelta(seconds=360)),
        "other secret": wh.standard_headers(body, secret="whsec_" + "QUJDREVGR0hJSktMTU5PUA=="),
        "missing": {"webhook-id": "m", "webhook-timestamp": str(int(time.time()))},
    }
    for name, headers in cases.items():
        assert (await wh.generic("svix", body, headers)).status_code == 401, name
    assert (await wh.generic("svix", body + b" ", wh.standard_headers(body))).status_code == 401
    assert await wh.rows() == []


async def test_unknown_generic_source_answers_as_a_bad_signature(wh) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    body = b"{}"
    forged = {"X-Signature": wh.hmac_hex(body, "guess")}
    answers = [await wh.generic("nobody", body, forged), await wh.generic("BAD!", body, {}),
               await wh.generic("crm", body, forged), await wh.generic("crm", body, {}),
               await wh.generic("crm", body, forged, tenant="elsewhere")]
    assert {(a.status_code, a.text) for a in answers} == {
        (401, '{"detail":"missing or invalid signature","reason":"unauthenticated"}')}
    text = (await wh.anon.get("/metrics")).text
    for reason in ("unknown_source", "invalid_signature", "missing_signature"):
        assert f'reason="{reason}"' in text


async def test_receivers_are_rate_limited_per_tenant_and_source(wh) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET, rate_limit_per_minute=3)
    await wh.config(source="crm", secret=wh.HMAC_SECRET, tenant="other", rate_limit_per_minute=3)
    answers = []
    for n in range(4):
        body = orjson.dumps({"id": f"r{n}"})
        answers.append((await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})).status_code)
    assert answers == [200, 200, 200, 429]
    body = b'{"id": "r9"}'
    limited = await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})
    assert int(limited.headers["Retry-After"]) >= 1
    assert (
        await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)}, tenant="other")
    ).status_code == 200


async def test_unsigned_deliveries_do_not_use_up_the_rate_limit_of_genuine_ones(wh) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET, rate_limit_per_minute=3)
    junk = b'{"id": "junk"}'
    for signature in ({}, {"X-Signature": wh.hmac_hex(junk, "guessed")}) * 5:
        assert (await wh.generic("crm", junk, signature)).status_code == 401
    body = b'{"id": "real"}'
    assert (await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})).status_code == 200
    assert [r.event_id for r in await wh.rows()] == ["real"]
