"""A PostgreSQL LISTEN connection that sets an asyncio.Event on every NOTIFY (and reconnects)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("events.listener")


def asyncpg_dsn(engine: AsyncEngine) -> str:
    """The engine's URL as a plain libpq/asyncpg DSN."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class PgListener:
    """Keeps one dedicated connection LISTENing on `channel`; `wake` is set on each notification."""

    def __init__(self, engine: AsyncEngine, channel: str, wake: asyncio.Event) -> None:
        self.dsn = asyncpg_dsn(engine)
        self.channel = channel
        self.wake = wake
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        """Start listening in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"listen:{self.channel}")

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _notified(self, *_: Any) -> None:
        self.wake.set()

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self._listen_once()
                failures = 0
            except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
                log.warning("listen connection failed", extra={"channel": self.channel, "error": str(exc)})
            failures += 1
            await asyncio.sleep(min(5.0, 0.1 * 2**failures) * random.uniform(0.5, 1.0))

    async def _listen_once(self) -> None:
        conn = await asyncpg.connect(self.dsn, timeout=5)
        closed = asyncio.Event()
        try:
            conn.add_termination_listener(lambda _c: closed.set())
            await conn.add_listener(self.channel, self._notified)
            self.connected.set()
            self.wake.set()  # notifications may have been missed while disconnected
            await closed.wait()
        finally:
            self.connected.clear()
            if not conn.is_closed():
                with contextlib.suppress(Exception):
                    await asyncio.shield(conn.close(timeout=1))
