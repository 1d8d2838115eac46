"""Webhook test helpers: configs through the API, signed deliveries, a Redis we can cut off."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
import standardwebhooks
import stripe
from fastapi import FastAPI
from sqlalchemy import select

from integration_service.lifecycle import resources_of
from integration_service.webhooks.models import WebhookEvent
from integration_service.webhooks.processing import STREAM, process_batch
from integration_service.webhooks.receiving import Receivers
from shared import testing
from shared.events import OncePublisher

STRIPE_SECRET = "whsec_test_stripe_secret"
HMAC_SECRET = "generic-hmac-secret"
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def stripe_header(body: bytes, secret: str = STRIPE_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature made by the stripe library itself."""
    ts = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{ts}.{body.decode()}", secret)
    return f"t={ts},v1={signature}"


def standard_headers(
    body: bytes, msg_id: str = "msg_1", secret: str = STANDARD_SECRET, when: datetime | None = None
) -> dict[str, str]:
    """Standard Webhooks headers made by the standardwebhooks library."""
    when = when or datetime.now(UTC)
    signature = standardwebhooks.Webhook(secret).sign(msg_id, when, body.decode())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": signature,
    }


def hmac_hex(body: bytes, secret: str = HMAC_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def stripe_event(event_id: str = "evt_1", event_type: str = "payment_intent.succeeded") -> bytes:
    return orjson.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "data": {"object": {"id": "pi_1", "amount": 1000}},
        }
    )


class Webhooks:
    """Drives the webhooks API of one app."""

    STRIPE_SECRET, HMAC_SECRET, STANDARD_SECRET = STRIPE_SECRET, HMAC_SECRET, STANDARD_SECRET
    stripe_header = staticmethod(stripe_header)
    standard_headers = staticmethod(standard_headers)
    hmac_hex = staticmethod(hmac_hex)
    stripe_event = staticmethod(stripe_event)

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
        self.app, self.client, self.anon = app, client, anon
        # Pub/sub channels are global to the Redis server: event ids carry this run's suffix, so a
        # test counts only its own events even when another suite publishes at the same time.
        self.run = uuid.uuid4().hex[:8]

    @property
    def receivers(self) -> Receivers:
        """The app's receivers (the API always builds them)."""
        receivers = resources_of(self.app).receivers
        assert receivers is not None
        return receivers

    def uid(self, name: str) -> str:
        return f"{name}-{self.run}"

    def mine(self, event_ids: list[str]) -> list[str]:
        return [e for e in event_ids if e.endswith(f"-{self.run}")]

    async def stream_ids(self, redis: Any) -> list[str]:
        entries = await redis.xrange(STREAM)
        return self.mine([orjson.loads(fields[b"envelope"])["event_id"] for _, fields in entries])

    async def config(
        self, source: str = "stripe", secret: str = STRIPE_SECRET, tenant: str = "default", **fields: Any
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/webhooks/configs",
            json={"source": source, "secret": secret, **fields},
            headers={"X-Tenant-ID": tenant},
        )
        assert response.status_code == 201, response.text
        config: dict[str, Any] = response.json()
        return config

    async def stripe(
        self, body: bytes, tenant: str | None = None, header: str | None = None
    ) -> httpx.Response:
        params = {"tenant": tenant} if tenant else {}
        headers = {
            "Stripe-Signature": header if header is not None else stripe_header(body),
            "Content-Type": "application/json",
        }
        return await self.anon.post("/api/v1/webhooks/stripe", content=body, headers=headers, params=params)

    async def generic(
        self, source: str, body: bytes, headers: dict[str, str], tenant: str | None = None
    ) -> httpx.Response:
        params = {"tenant": tenant} if tenant else {}
        return await self.anon.post(
            f"/api/v1/webhooks/generic/{source}", content=body, headers=headers, params=params
        )

    async def rows(self, **where: Any) -> list[WebhookEvent]:
        async with resources_of(self.app).sessionmaker() as session:
            query = select(WebhookEvent).filter_by(**where).order_by(WebhookEvent.received_at)
            return list((await session.execute(query)).scalars().all())

    async def published(self) -> list[str]:
        """Every event id on the stream, in order (the webhook tests' Redis DB is emptied after each)."""
        entries = await testing.stream_entries(resources_of(self.app).redis, STREAM)
        return [orjson.loads(fields[b"envelope"])["event_id"] for _, fields in entries]

    async def process(self) -> int:
        """Run the worker's step (process and publish) until nothing is due."""
        resources = resources_of(self.app)
        publisher = OncePublisher(resources.redis)
        total = 0
        while (n := await process_batch(resources.sessionmaker, publisher)) > 0:
            total += n
        return total


# The webhook tests use a Redis logical DB of their own (pub/sub is filtered by event id anyway):
# a concurrent run of the rest of the suite flushes DB 10 between its tests.
WEBHOOKS_REDIS_DB = 6


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    base = testing.redis_url("integration").rsplit("/", 1)[0]
    return {"redis_url": f"{base}/{WEBHOOKS_REDIS_DB}"}


@pytest.fixture
async def wh(app: FastAPI, client: httpx.AsyncClient, anon: httpx.AsyncClient) -> Webhooks:
    return Webhooks(app, client, anon)


class TcpProxy:
    """A TCP proxy to Redis that a test can cut (every connection dropped, new ones refused)."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target_port = target_port
        self.target_host = target_host
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update({writer, up_writer})

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
async def redis_proxy() -> AsyncIterator[TcpProxy]:
    target = urlsplit(testing.redis_url("integration"))
    proxy = TcpProxy(target.port or 6379, target.hostname or "127.0.0.1")
    await proxy.start()
    yield proxy
    await proxy.cut()
