"""Prometheus metrics of the outbox relay and stream consumers."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published to Redis", ["outbox"])
OUTBOX_PUBLISH_ERRORS = Counter(
    "outbox_publish_errors_total", "Outbox publish attempts that failed (rows kept for later)", ["outbox"]
)
OUTBOX_PUBLISH_LAG = Histogram(
    "outbox_publish_lag_seconds",
    "Time from an outbox row's creation to its publication",
    ["outbox"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
STREAM_HANDLED = Counter(
    "stream_messages_total", "Stream entries handled by a consumer group", ["stream", "group", "outcome"]
)
