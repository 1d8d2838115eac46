"""A round-robin HTTP reverse proxy for the replica tests and the load test: each request goes to
the next backend.

It stands where a load balancer would in front of several replicas of one service, and keeps its
connections to them open between requests, as one does. It runs its own event loop (uvloop's, as
the services do) in a thread, so a caller that blocks (waiting for a process to start) never stalls
the requests going through it. It counts the requests each backend got and, unless told not to (a long
load test would keep every photo sent), writes down each one.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvloop
from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector, web

from shared.http import KEEPALIVE_SECONDS

# Hop-by-hop headers and those aiohttp sets itself are not forwarded.
SESSION = web.AppKey("session", ClientSession)
DROPPED = {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding"}


@dataclass
class Hit:
    """One forwarded request: the backend's index, the method and path, the body sent."""

    backend: int
    method: str
    path: str
    body: bytes


@dataclass
class RoundRobin:
    """The proxy's state: its backends and every request it forwarded."""

    backends: list[str]
    hits: list[Hit] = field(default_factory=list)
    url: str = ""
    record: bool = True  # keep every request in `hits` (else only the counts)
    served: list[int] = field(init=False)
    _turn: Iterator[int] = field(init=False)

    def __post_init__(self) -> None:
        self.served = [0] * len(self.backends)
        self._turn = itertools.cycle(range(len(self.backends)))

    def split(self) -> list[int]:
        """How many requests each backend got, in backend order."""
        return list(self.served)

    async def forward(self, request: web.Request) -> web.StreamResponse:
        """Send the request to the next backend and its answer back."""
        backend = next(self._turn)
        body = await request.read()
        self.served[backend] += 1
        if self.record:
            self.hits.append(Hit(backend, request.method, request.path, body))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in DROPPED}
        session = request.app[SESSION]
        try:
            async with session.request(request.method, self.backends[backend] + request.path_qs,
                                       headers=headers, data=body, allow_redirects=False) as answer:
                payload = await answer.read()
                kept = {k: v for k, v in answer.headers.items() if k.lower() not in DROPPED}
                return web.Response(status=answer.status, body=payload, headers=kept)
        except ClientError as exc:
            return web.Response(status=502, text=f"backend {backend}: {exc!r}")  # as a load balancer does


@contextmanager
def round_robin(backends: list[str], *, record: bool = True) -> Iterator[RoundRobin]:
    """A proxy on a free local port (its `url`) alternating between `backends`, until the block
    ends; `record=False` keeps only the counts."""
    proxy = RoundRobin([b.rstrip("/") for b in backends], record=record)
    loop = uvloop.new_event_loop()
    started, stopping = threading.Event(), asyncio.Event()
    failure: list[BaseException] = []

    async def serve() -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        # Idle connections are dropped before the backend's keep-alive would close one under a request.
        app[SESSION] = ClientSession(timeout=ClientTimeout(total=120),
                                     connector=TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS))
        app.router.add_route("*", "/{tail:.*}", proxy.forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # started just now
        proxy.url = f"http://127.0.0.1:{port}"
        started.set()
        try:
            await stopping.wait()
        finally:
            await app[SESSION].close()
            await runner.cleanup()

    def run() -> None:
        try:
            loop.run_until_complete(serve())
        except BaseException as exc:  # handed to the caller waiting for start-up
            failure.append(exc)
            started.set()

    thread = threading.Thread(target=run, name="round-robin-proxy", daemon=True)
    thread.start()
    started.wait(10)
    if failure or not proxy.url:
        raise RuntimeError(f"the proxy did not start: {failure}")
    try:
        yield proxy
    finally:
        loop.call_soon_threadsafe(stopping.set)
        thread.join(10)
        loop.close()
