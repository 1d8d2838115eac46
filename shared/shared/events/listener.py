"""A PostgreSQL LISTEN connection that sets an asyncio.Event on every NOTIFY (and reconnects)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.background import BackgroundLoop
from shared.db import listen_dsn


def asyncpg_dsn(engine: AsyncEngine) -> str:
    """The engine's URL as a plain libpq/asyncpg DSN."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class PgListener:
    """Keeps one dedicated connection LISTENing on `channel`; `wake` is set on each notification."""

    def __init__(self, dsn: str, channel: str, wake: asyncio.Event) -> None:
        self.dsn = dsn
        self.channel = channel
        self.wake = wake
        self.connected = asyncio.Event()
        # A dropped connection is made again after `interval`; failing connects back off.
        self.loop = BackgroundLoop(
            f"pg-listen:{channel}", self._listen_once, interval=0.1,
            expected=(TimeoutError, OSError, asyncpg.PostgresError),
        )

    @classmethod
    def for_engine(cls, engine: AsyncEngine, channel: str, wake: asyncio.Event) -> PgListener | None:
        """A listener on `engine`'s database, or None behind a PgBouncer without `DB_LISTEN_URL`
        (a LISTEN there lasts one transaction: the owner polls instead)."""
        dsn = listen_dsn(engine)
        return cls(dsn, channel, wake) if dsn is not None else None

    def start(self) -> None:
        """Start listening in the background."""
        self.loop.start()

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        await self.loop.stop(grace=0)

    def _notified(self, *_: Any) -> None:
        self.wake.set()

    async def _listen_once(self) -> bool:
        conn = await asyncpg.connect(self.dsn, timeout=5)
        closed = asyncio.Event()
        try:
            conn.add_termination_listener(lambda _c: closed.set())
            await conn.add_listener(self.channel, self._notified)
            self.connected.set()
            self.wake.set()  # notifications may have been missed while disconnected
            await closed.wait()
            return False
        finally:
            self.connected.clear()
            if not conn.is_closed():
                with contextlib.suppress(Exception):
                    await asyncio.shield(conn.close(timeout=1))
