"""`python -m console` serves the console (`migrate` is accepted and does nothing: no database)."""

from __future__ import annotations

import sys

from console.config import Settings
from shared.config import load_settings


def main(argv: list[str]) -> int:
    """Run the server, or exit at once for `migrate`."""
    settings = load_settings(Settings)
    if argv[:1] == ["migrate"]:
        print("console: nothing to migrate (it keeps sessions in Redis only)")
        return 0
    if argv:
        print(f"usage: python -m console [migrate]; unknown: {' '.join(argv)}", file=sys.stderr)
        return 2
    from shared.app import serve

    print(f"Console: {settings.public_url}/", flush=True)
    serve(settings, "console.app:create_app", timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
