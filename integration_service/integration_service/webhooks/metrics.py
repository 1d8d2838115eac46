"""Prometheus metrics of webhook ingest, processing and publishing."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

RECEIVED = Counter("webhook_received_total", "Webhook deliveries received", ["source"])
ACCEPTED = Counter("webhook_accepted_total", "Webhook deliveries stored as new events", ["source"])
DUPLICATE = Counter("webhook_duplicate_total", "Deliveries of an event already stored", ["source"])
REJECTED = Counter("webhook_rejected_total", "Deliveries refused", ["source", "reason"])
PUBLISHED = Counter("webhook_published_total", "Webhook events published to Redis", ["source"])
FILTERED = Counter("webhook_filtered_total", "Events stored but not published (no matching type)", ["source"])
FAILED = Counter("webhook_failed_total", "Processing attempts that failed (retried later)", ["source"])
DEAD = Counter("webhook_dead_total", "Events that used up their attempts", ["source"])
INGEST_LATENCY = Histogram(
    "webhook_ingest_seconds", "Time to verify and store one delivery", ["source"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
PUBLISH_LAG = Histogram(
    "webhook_publish_lag_seconds", "Time from receipt to publication of an event", ["source"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600),
)
