"""`python -m bot_gateway` runs the bot; `python -m bot_gateway migrate` upgrades its database."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from bot_gateway.config import Settings
from shared.config import load_settings

MIGRATIONS = Path(__file__).parent / "migrations"


def main(argv: list[str]) -> int:
    """Dispatch `run` (default) or `migrate`."""
    command = argv[0] if argv else "run"
    settings = load_settings(Settings)
    if command == "migrate":
        from shared.migrations import upgrade

        upgrade(MIGRATIONS, settings.database_url)
        print("bot_gateway: database is at the newest migration")
        return 0
    if command != "run":
        print(f"unknown command {command!r}: use run or migrate", file=sys.stderr)
        return 2
    if settings.workers > 1 and settings.mode == "polling":
        # Telegram gives updates to one getUpdates caller at a time.
        print("BOT_WORKERS > 1 needs BOT_MODE=webhook: polling takes exactly one process", file=sys.stderr)
        return 2
    from shared.app import serve

    logging.getLogger("aiogram").setLevel(settings.log_level)
    serve(settings, "bot_gateway.app:create_app",
          timeout_graceful_shutdown=int(settings.shutdown_grace_seconds) + 5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
