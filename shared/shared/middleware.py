"""Pure-ASGI middleware: correlation id in and out, access log, per-route metrics; header limits."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import correlation_id
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS
from shared.tracing import tag_request

log = logging.getLogger("http")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_QUIET = {"/health", "/health/live", "/health/ready", "/metrics"}


def _incoming_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if _VALID_ID.match(text):
                return text
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Reads or makes `X-Request-ID`, returns it, logs and measures every request."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap one HTTP request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_id(scope)
        token = correlation_id.set(rid)
        tag_request(rid)  # the server span, started outside this middleware, is found by the id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            correlation_id.reset(token)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        route = scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        method = scope.get("method", "GET")
        HTTP_REQUESTS.labels(self.service, method, path, str(status)).inc()
        HTTP_LATENCY.labels(self.service, method, path).observe(elapsed)
        if scope.get("path") not in _QUIET or status >= 500:
            log.info(
                "request",
                extra={
                    "method": method,
                    "path": scope.get("path"),
                    "route": path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )


class HeaderLimits:
    """Answers 431 to a request with more than `max_headers` headers or `max_bytes` of them (names
    and values), before any route, dependency or body read runs."""

    def __init__(self, app: ASGIApp, max_headers: int, max_bytes: int) -> None:
        self.app = app
        self.max_headers = max_headers
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check one request's headers; pass it on when they are within the limits."""
        if scope["type"] == "http":
            headers = scope["headers"]
            size = sum(len(name) + len(value) for name, value in headers)
            if len(headers) > self.max_headers or size > self.max_bytes:
                detail = (f"request headers too large: at most {self.max_headers} headers "
                          f"of {self.max_bytes} bytes in all")
                await JSONResponse({"detail": detail}, status_code=431)(scope, receive, send)
                return
        await self.app(scope, receive, send)
