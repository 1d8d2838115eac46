"""Integration Service load: regular users (80%) and admins (20%), step load shape.

Users are locust's `FastHttpUser` (geventhttpclient: a fraction of `HttpUser`'s CPU per request,
so the load generator is not the bottleneck).

Regular users' tasks, as the seed describes: 50% health, 20% signed Stripe webhooks, 15% cached
reads (geocoding of known addresses, cache stats), 10% Google Sheets (through the service to the
local Sheets stand-in), 5% generic HMAC webhooks. Admins read the management API.

Run by `loadtests/loadtest_run.py` (`make loadtest`), or by hand:
  LOADTEST_API_TOKEN=... locust -f loadtests/locustfile_integration.py --host http://127.0.0.1:8001
Environment: LOADTEST_API_TOKEN (one of INTEGRATION_API_TOKENS), LOADTEST_TENANT (default
`loadtest`), LOADTEST_SPREADSHEET_ID and LOADTEST_ADDRESSES (`|`-separated) when the stand-in
runs, USERS, DURATION (seconds) and SPAWN_RATE for the shape.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
from locust import TaskSet, between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.runners import WorkerRunner

from loadtests.shapes import StepLoad

TOKEN = os.environ.get("LOADTEST_API_TOKEN", "")
TENANT = os.environ.get("LOADTEST_TENANT", "loadtest")
STRIPE_SECRET = os.environ.get("LOADTEST_STRIPE_SECRET", "whsec_loadtest_stripe")
GENERIC_SOURCE = os.environ.get("LOADTEST_GENERIC_SOURCE", "loadtest")
GENERIC_SECRET = os.environ.get("LOADTEST_GENERIC_SECRET", "loadtest-generic-secret")
SPREADSHEET = os.environ.get("LOADTEST_SPREADSHEET_ID", "")
ADDRESSES = [a for a in os.environ.get("LOADTEST_ADDRESSES", "").split("|") if a]
AUTH = {"Authorization": f"Bearer {TOKEN}", "X-Tenant-ID": TENANT}


def ensure_config(host: str, source: str, secret: str, scheme: str | None) -> None:
    """Create the tenant's webhook config for `source`, or reset its secret if it exists."""
    base = f"{host}/api/v1/webhooks/configs"
    found = requests.get(base, headers=AUTH, timeout=10)
    found.raise_for_status()
    existing = [c for c in found.json() if c["source"] == source]
    if existing:
        body: dict[str, Any] = {"secret": secret, "rate_limit_per_minute": 1_000_000}
        requests.patch(f"{base}/{existing[0]['id']}", json=body, headers=AUTH, timeout=10).raise_for_status()
        return
    body = {"source": source, "secret": secret, "rate_limit_per_minute": 1_000_000}
    if scheme:
        body["signature_scheme"] = scheme
    requests.post(base, json=body, headers=AUTH, timeout=10).raise_for_status()


def stripe_delivery() -> tuple[bytes, dict[str, str]]:
    """A Stripe event and its Stripe-Signature header, signed over the exact bytes sent."""
    now = int(time.time())
    event = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.succeeded",
             "created": now, "data": {"object": {"id": f"pi_{uuid.uuid4().hex[:24]}", "amount": 125_000,
                                                 "currency": "uzs"}}}
    body = json.dumps(event, separators=(",", ":")).encode()
    digest = hmac.new(STRIPE_SECRET.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={now},v1={digest}", "Content-Type": "application/json"}


def generic_delivery() -> tuple[bytes, dict[str, str]]:
    """A generic HMAC-SHA256 event with `X-Signature: sha256=<hex>`."""
    event_id = uuid.uuid4().hex
    body = json.dumps({"id": event_id, "type": "meter.reading", "value": random.randint(1, 999)}).encode()
    digest = hmac.new(GENERIC_SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Signature": f"sha256={digest}", "X-Event-ID": event_id, "Content-Type": "application/json"}
    return body, headers


def warm_up(host: str) -> None:
    """One unrecorded call of each kind, so pools and caches are warm before figures count."""
    body, headers = stripe_delivery()
    requests.post(f"{host}/api/v1/webhooks/stripe?tenant={TENANT}", data=body, headers=headers, timeout=10)
    body, headers = generic_delivery()
    requests.post(f"{host}/api/v1/webhooks/generic/{GENERIC_SOURCE}?tenant={TENANT}", data=body,
                  headers=headers, timeout=10)
    for address in ADDRESSES:
        requests.get(f"{host}/api/v1/geocoding/forward", params={"address": address}, headers=AUTH,
                     timeout=10)
    if SPREADSHEET:
        requests.post(f"{host}/api/v1/sheets/read", headers=AUTH, timeout=10,
                      json={"spreadsheet_id": SPREADSHEET, "range": "Requests!A1:E20"})


def prepare(environment: Any, **_: Any) -> None:
    """Webhook configs for the load-test tenant (signed requests need a known secret), then warm up;
    once, by the master when locust runs several processes."""
    if isinstance(environment.runner, WorkerRunner):
        return
    host = environment.host or "http://127.0.0.1:8001"
    ensure_config(host, "stripe", STRIPE_SECRET, None)
    ensure_config(host, GENERIC_SOURCE, GENERIC_SECRET, "hmac_sha256")
    warm_up(host)


events.test_start.add_listener(prepare)  # type: ignore[no-untyped-call]  # locust leaves it untyped


class RegularUser(FastHttpUser):
    """Callers of the public and internal API."""

    weight = 80
    wait_time = between(0.5, 1.5)

    @task(50)
    def health(self) -> None:
        """Liveness and readiness."""
        self.client.get("/health" if random.random() < 0.5 else "/health/ready", name="health")

    @task(20)
    def stripe_webhook(self) -> None:
        """A signed Stripe event; 200 accepted."""
        body, headers = stripe_delivery()
        # The body is ASCII JSON: as text it is sent as the very bytes signed.
        with self.client.post(f"/api/v1/webhooks/stripe?tenant={TENANT}", data=body.decode(), headers=headers,
                              name="webhook stripe", catch_response=True) as response:
            if response.status_code == 200 and response.json().get("status") != "accepted":
                response.failure(f"not accepted: {response.text[:200]}")

    @task(15)
    def cached_read(self) -> None:
        """Geocoding of a known address (cached per tenant) or the cache's counters."""
        if ADDRESSES and random.random() < 0.7:
            self.client.get("/api/v1/geocoding/forward", params={"address": random.choice(ADDRESSES)},
                            headers=AUTH, name="geocode (cached)")
        else:
            self.client.get("/api/v1/cache/stats", headers=AUTH, name="cache stats")

    @task(10)
    def sheets(self) -> None:
        """Read a range (cached) or append a row, through the service to the Sheets stand-in."""
        if not SPREADSHEET:
            return
        if random.random() < 0.7:
            body: dict[str, Any] = {"spreadsheet_id": SPREADSHEET, "range": "Requests!A1:E20"}
            self.client.post("/api/v1/sheets/read", json=body, headers=AUTH, name="sheets read")
        else:
            row = [time.strftime("%Y-%m-%d %H:%M:%S"), "plumbing", "normal", uuid.uuid4().hex[:8], "new"]
            body = {"spreadsheet_id": SPREADSHEET, "range": "Requests!A1", "values": [row]}
            self.client.post("/api/v1/sheets/append", json=body, headers=AUTH, name="sheets append")

    @task(5)
    def generic_webhook(self) -> None:
        """A signed generic event; 200 accepted."""
        body, headers = generic_delivery()
        self.client.post(f"/api/v1/webhooks/generic/{GENERIC_SOURCE}?tenant={TENANT}", data=body.decode(),
                         headers=headers, name="webhook generic")


def admin_reads(*reads: tuple[int, str, str]) -> list[TaskSet | Callable[..., Any]]:
    """Tasks that GET a path of the management API: (weight, path, name reported) each."""
    tasks: list[TaskSet | Callable[..., Any]] = []
    for weight, path, name in reads:

        def read(user: FastHttpUser, path: str = path, name: str = name) -> None:
            user.client.get(path, headers=AUTH, name=name)

        tasks += [read] * weight
    return tasks


class AdminUser(FastHttpUser):
    """Operators reading the management API."""

    weight = 20
    wait_time = between(1, 3)
    tasks = admin_reads((3, "/api/v1/webhooks/events", "admin webhook events"),
                        (2, "/api/v1/logs", "admin logs"),
                        (2, "/api/v1/cache/stats", "cache stats"),
                        (1, "/api/v1/webhooks/configs", "admin webhook configs"),
                        (1, "/api/v1/rate-limits", "admin rate limits"))


class Shape(StepLoad):
    """The integration scenario's shape: up to 50 users unless USERS says otherwise."""

    default_users = 50
