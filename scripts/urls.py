"""What `make run` prints once everything is up, and per-service steps after start."""

from __future__ import annotations

import subprocess
import sys

from scripts.infra import Infra

LINKS = {
    "integration_service": ("Integration Service", 8001,
                            ["/docs (API docs)", "/health/ready", "/metrics"]),
    "core_service": ("Core Service", 8000, ["/docs (API docs)", "/health/ready", "/metrics"]),
    "bot_gateway": ("Bot Gateway", 8002, ["/health/ready", "/metrics"]),
    "telegram_emulator": ("Telegram emulator", 8081, ["/ (chat page)"]),
    "console": ("Console (sign in with the emulator's Manager)", 8003, ["/ (dispatchers' console)"]),
}


# The staff `seed-demo` creates, as people in the emulator's chat page (pick one to play the role).
DEMO_PEOPLE = [
    (1000001, "Manager", "manager"), (1000002, "Plumber", "executor"),
    (1000003, "Electrician", "executor"), (1000004, "Repairer", "executor"),
    (1000005, "Cleaner", "executor"), (1000006, "Admin", "admin"),
]


def after_start(package: str, env: dict[str, str]) -> None:
    """Steps that need a running service, e.g. the Core Service's demo data."""
    if package == "core_service":
        subprocess.run([sys.executable, "-m", "core_service", "seed-demo"], env=env, check=False)
        if env.get("BOT_TELEGRAM_API_URL", "").startswith("http://127.0.0.1:8081"):
            add_demo_people_to_emulator()


def add_demo_people_to_emulator() -> None:
    """Make the demo staff users of the emulator, so the bot can write to them and you can be them."""
    import httpx

    for user_id, name, role in DEMO_PEOPLE:
        body = {"id": user_id, "first_name": name, "language_code": "ru", "role": role}
        try:
            httpx.post("http://127.0.0.1:8081/control/users", json=body, timeout=5)
        except httpx.HTTPError as exc:
            print(f"could not add {name} to the emulator: {exc}")


def print_urls(packages: list[str], env: dict[str, str], infra: Infra) -> None:
    """Print every service's addresses and the management token."""
    print("\n" + "=" * 72)
    print("UK Management Platform is running. Ctrl-C stops everything.")
    for package in packages:
        title, port, paths = LINKS[package]
        print(f"  {title}:")
        for path in paths:
            print(f"    http://127.0.0.1:{port}{path}")
    print(f"  PostgreSQL: {infra.pg_url.replace('+asyncpg', '')}   Redis: {infra.redis_url}")
    print(f"  management token: Authorization: Bearer {env.get('INTEGRATION_API_TOKENS', '').split(',')[0]}")
    print("=" * 72, flush=True)
