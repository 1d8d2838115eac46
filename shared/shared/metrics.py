"""Prometheus metrics: request count and latency per route, outbound circuit breakers, `/metrics`."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

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


MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def multiprocess_metrics() -> Iterator[str]:
    """Prometheus multiprocess mode for the worker processes started inside: each writes its
    metrics to `PROMETHEUS_MULTIPROC_DIR` (a fresh temporary directory unless set, emptied at
    start either way: stale files would count dead processes), `/metrics` sums them."""
    given = os.environ.get(MULTIPROC_ENV)
    directory = given or tempfile.mkdtemp(prefix="prometheus-")
    for stale in Path(directory).glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = directory
    try:
        yield directory
    finally:
        if given is None:
            os.environ.pop(MULTIPROC_ENV, None)
            shutil.rmtree(directory, ignore_errors=True)


def render_metrics() -> bytes:
    """The metrics in the Prometheus text format: this process's, or in multiprocess mode every
    worker's (counters and histograms summed, gauges per `pid`)."""
    if not os.environ.get(MULTIPROC_ENV):
        return generate_latest()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
    return generate_latest(registry)


def metrics_router() -> APIRouter:
    """`GET /metrics` in the Prometheus text format."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(render_metrics(), media_type=CONTENT_TYPE_LATEST)

    return router
