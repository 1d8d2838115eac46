"""`python -m integration_service [serve|migrate|worker|prune-logs]`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import uvicorn

from integration_service.config import Settings
from shared.migrations import upgrade
from shared.settings import load_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="integration_service")
    parser.add_argument("command", nargs="?", default="serve",
                        choices=["serve", "migrate", "worker", "prune-logs"])
    args = parser.parse_args()
    settings = load_settings(Settings)
    if args.command == "migrate":
        upgrade(MIGRATIONS, settings.database_url)
        print("integration database is at the newest migration")
    elif args.command == "worker":
        from integration_service import worker

        asyncio.run(worker.run_forever(settings))
    elif args.command == "prune-logs":
        from integration_service.logs import retention

        deleted = asyncio.run(retention.prune(settings))
        print(f"deleted {deleted} integration log rows older than {settings.log_retention_days} days")
    else:
        from integration_service.app import create_app

        uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                    log_config=None, access_log=False)


if __name__ == "__main__":
    main()
