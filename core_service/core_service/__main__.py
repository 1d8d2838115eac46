"""`python -m core_service [serve|migrate|add-user|seed-demo]`."""

from __future__ import annotations

import argparse
import asyncio

from core_service import MIGRATIONS
from core_service.config import Settings
from shared.config import load_settings

SPECIALIZATIONS = ("electricity", "plumbing", "heating", "ventilation", "elevator", "cleaning",
                   "landscaping", "security", "internet", "repair", "other")


def parser() -> argparse.ArgumentParser:
    """The command line."""
    root = argparse.ArgumentParser(prog="core_service")
    commands = root.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the API (the default)")
    commands.add_parser("migrate", help="upgrade the database to the newest migration")
    add = commands.add_parser("add-user", help="create or update a user with roles")
    add.add_argument("--telegram-id", type=int, required=True)
    add.add_argument("--role", action="append", required=True,
                     choices=["applicant", "executor", "manager", "admin"])
    add.add_argument("--specialization", action="append", default=[], choices=SPECIALIZATIONS)
    add.add_argument("--tenant", default="default")
    add.add_argument("--first-name")
    add.add_argument("--last-name")
    seed = commands.add_parser(
        "seed-demo", help="demo buildings, an admin, a manager and executors (idempotent)"
    )
    seed.add_argument("--tenant", default="default")
    return root


def main() -> None:
    """Parse the command line and run the chosen command."""
    args = parser().parse_args()
    settings = load_settings(Settings)
    if args.command == "migrate":
        from shared.migrations import upgrade

        upgrade(MIGRATIONS, settings.database_url)
        print("core database is at the newest migration")
    elif args.command in ("add-user", "seed-demo"):
        from core_service import cli

        print(asyncio.run(cli.run(settings, args)))
    else:
        from shared.app import serve

        serve(settings, "core_service.app:create_app")


if __name__ == "__main__":
    main()
