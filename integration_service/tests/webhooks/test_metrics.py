"""The webhook metrics the issue names are exported on /metrics."""

from __future__ import annotations


async def test_ingest_and_publishing_metrics_are_exported(wh, redis) -> None:
    await wh.config()
    body = wh.stripe_event(wh.uid("evt_m"))
    await wh.stripe(body)
    await wh.stripe(body)
    await wh.stripe(body, header="t=1,v1=00")
    await wh.process()
    text = (await wh.anon.get("/metrics")).text
    for name in (
        "webhook_received_total",
        "webhook_accepted_total",
        "webhook_duplicate_total",
        "webhook_rejected_total",
        "webhook_published_total",
        "webhook_ingest_seconds_bucket",
        "webhook_publish_lag_seconds_bucket",
        "outbox_published_total",
        "outbox_publish_lag_seconds_bucket",
    ):
        assert f"{name}{{" in text, name
    assert 'webhook_rejected_total{reason="invalid_signature",source="stripe"}' in text
