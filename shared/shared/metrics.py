"""Prometheus metrics: request count and latency per route, outbound circuit breakers, `/metrics`."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests handled", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# Set by shared.http.CircuitBreaker on every change: 0 closed, 1 half-open (a probe is in flight),
# 2 open (calls refused until the cool-down passes; then the next call is the probe).
CIRCUIT_STATES = {"closed": 0, "half_open": 1, "open": 2}
HTTP_CLIENT_CIRCUIT_STATE = Gauge(
    "http_client_circuit_state", "Outbound circuit breaker: 0 closed, 1 half-open, 2 open", ["upstream"]
)
HTTP_CLIENT_CIRCUIT_OPENED = Counter(
    "http_client_circuit_opened_total", "Times an outbound circuit breaker opened", ["upstream"]
)


def metrics_router() -> APIRouter:
    """`GET /metrics` in the Prometheus text format."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
