"""`python -m integration_service [serve|migrate|prune-logs|prune-events [--days N]|worker [--port N]]`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from integration_service.config import Settings
from shared.config import load_settings
from shared.migrations import upgrade

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

MIGRATIONS = Path(__file__).parent / "migrations"


async def prune_logs(settings: Settings, days: int) -> int:
    """Delete integration log rows older than `days`; how many were deleted."""
    from integration_service.logs import service as logs_service

    return await _prune(settings, logs_service.prune, days)


async def prune_events(settings: Settings, days: int) -> int:
    """Delete published and filtered webhook events older than `days`; how many were deleted."""
    from integration_service.webhooks import event_admin

    return await _prune(settings, event_admin.prune, days)


async def _prune(settings: Settings, prune: Callable[[AsyncSession, int], Awaitable[int]], days: int) -> int:
    from shared.db import create_engine, create_sessionmaker, session_scope

    engine = create_engine(settings)
    deleted = 0
    try:
        # No early return inside the loop: the commit runs when the generator resumes.
        async for session in session_scope(create_sessionmaker(engine)):
            deleted = await prune(session, days)
    finally:
        await engine.dispose()
    return deleted


# command: (prune function, the retention setting it defaults to, what it deletes)
PRUNERS: dict[str, tuple[Callable[[Settings, int], Coroutine[Any, Any, int]], str, str]] = {
    "prune-logs": (prune_logs, "log_retention_days", "integration log rows"),
    "prune-events": (prune_events, "event_retention_days", "published or filtered webhook events"),
}


def main() -> None:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="integration_service")
    parser.add_argument("command", nargs="?", default="serve",
                        choices=["serve", "migrate", "prune-logs", "prune-events", "worker"])
    parser.add_argument("--days", type=int, default=None,
                        help="prune-logs / prune-events: keep this many days (default "
                             "INTEGRATION_LOG_RETENTION_DAYS / INTEGRATION_EVENT_RETENTION_DAYS)")
    parser.add_argument("--port", type=int, default=None,
                        help="worker: serve /health and /metrics on this port (default INTEGRATION_PORT)")
    args = parser.parse_args()
    settings = load_settings(Settings)
    if args.command == "migrate":
        upgrade(MIGRATIONS, settings.database_url)
        print("integration database is at the newest migration")
    elif args.command in PRUNERS:
        prune, retention, what = PRUNERS[args.command]
        days = args.days if args.days is not None else getattr(settings, retention)
        if days < 1:
            parser.error("--days must be at least 1")
        deleted = asyncio.run(prune(settings, days))
        print(f"deleted {deleted} {what} older than {days} days")
    elif args.command == "worker":
        from integration_service.worker import run_alone

        asyncio.run(run_alone(settings, args.port))
    else:
        from shared.app import serve

        serve(settings, "integration_service.app:create_app")


if __name__ == "__main__":
    main()
