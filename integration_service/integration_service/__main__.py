"""`python -m integration_service [serve|migrate]`."""

from __future__ import annotations

import argparse
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
                        choices=["serve", "migrate"])
    args = parser.parse_args()
    settings = load_settings(Settings)
    if args.command == "migrate":
        upgrade(MIGRATIONS, settings.database_url)
        print("integration database is at the newest migration")
    else:
        from integration_service.app import create_app

        uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                    log_config=None, access_log=False)


if __name__ == "__main__":
    main()
