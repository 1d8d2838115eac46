"""`python -m telegram_emulator`: serve the emulator (`migrate` is accepted and does nothing)."""

from __future__ import annotations

import sys

from shared.config import load_settings
from telegram_emulator.app import serve
from telegram_emulator.config import Settings


def main(argv: list[str]) -> int:
    """Run the server, or exit at once for `migrate` (the emulator keeps nothing durable)."""
    settings = load_settings(Settings)
    if argv[:1] == ["migrate"]:
        print("telegram_emulator: nothing to migrate (all state is in memory)")
        return 0
    if argv:
        print(f"usage: python -m telegram_emulator [migrate]; unknown: {' '.join(argv)}", file=sys.stderr)
        return 2
    print(f"Telegram emulator: chat page at http://{settings.host}:{settings.port}/", flush=True)
    serve(settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
