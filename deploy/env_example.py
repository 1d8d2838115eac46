"""Write `.env.example` from the services' settings classes: `.venv/bin/python -m deploy.env_example`.

Every field of every settings class gets a line with a comment. Secrets are set to obvious
`change-me` placeholders that work out of the box (so `cp .env.example .env` gives a running
`make run`, and the compose demo with `--env-file deploy/demo.env`); container wiring (hosts,
ports, URLs) stays commented because docker-compose.yml sets it from service names and `make run`
sets it for native runs.
"""

from __future__ import annotations

import base64
import importlib
import sys
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from deploy.env_comments import BY_VARIABLE, COMMON

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = [
    ("Core Service", "core_service", "core_service.config", "Settings"),
    ("Integration Service", "integration_service", "integration_service.config", "Settings"),
    ("Bot Gateway", "bot_gateway", "bot_gateway.config", "Settings"),
    ("Telegram emulator", "telegram_emulator", "telegram_emulator.config", "Settings"),
    ("Console", "console", "console.config", "Settings"),
]
FERNET_PLACEHOLDER = base64.urlsafe_b64encode(b"change-me-fernet-key-32-bytes!!!").decode()
CORE_TOKEN = "change-me-core-token"  # noqa: S105 (a placeholder the operator replaces)
INTEGRATION_TOKEN = "change-me-integration-token"  # noqa: S105

COMPOSE_ONLY = {
    "POSTGRES_USER": ("uk", "PostgreSQL user of the three compose databases."),
    "POSTGRES_PASSWORD": ("change-me-postgres",
                          "PostgreSQL password, any characters (the services get it as "
                          "<PREFIX>DATABASE_PASSWORD, not inside URLs; put one with $ in 'single quotes')."),
    "GRAFANA_ADMIN_USER": ("admin", "Grafana admin user (`--profile monitoring`)."),
    "GRAFANA_ADMIN_PASSWORD": ("change-me-grafana", "Grafana admin password."),
}
# Set (uncommented) in .env.example: secrets, with values the other services agree on.
SECRETS: dict[str, str] = {
    "CORE_API_TOKENS": CORE_TOKEN,
    "CORE_JWT_SECRET": "change-me-jwt-secret-at-least-16-chars",
    "CORE_INTEGRATION_API_TOKEN": INTEGRATION_TOKEN,
    "INTEGRATION_API_TOKENS": INTEGRATION_TOKEN,
    "INTEGRATION_ENCRYPTION_KEY": FERNET_PLACEHOLDER,
    "BOT_CORE_API_TOKEN": CORE_TOKEN,
    "BOT_INTEGRATION_API_TOKEN": INTEGRATION_TOKEN,
    "BOT_WEBHOOK_SECRET": "change-me-webhook-secret",
    "BOT_ENCRYPTION_KEY": FERNET_PLACEHOLDER,
    "CONSOLE_CORE_API_TOKEN": CORE_TOKEN,
}
def field_comments(module: Any, cls: type) -> dict[str, str]:
    """The `# comment` lines written just above each field in the class's source."""
    import inspect

    comments: dict[str, str] = {}
    pending: list[str] = []
    for klass in reversed(cls.__mro__):
        if not getattr(klass, "__module__", "").startswith((module.__name__.split(".")[0], "shared")):
            continue
        try:
            lines = inspect.getsource(klass).splitlines()
        except (OSError, TypeError):
            continue
        for line in lines:
            text = line.strip()
            if text.startswith("#"):
                words = text.lstrip("# ").strip()
                # Section headers ("# Telegram", "# Rate limits") describe no single field.
                pending += [words] if len(words.split()) > 2 else []
            elif ":" in text and text.split(":")[0].isidentifier() and pending:
                comments[text.split(":")[0]] = " ".join(pending)
                pending = []
            else:
                pending = [] if text else pending
    return comments


def describe(name: str, field: FieldInfo) -> str:
    """A readable default for the comment."""
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, list):
        value = ",".join(map(str, value))
    if isinstance(value, bool):
        value = str(value).lower()
    return f"default: {'(empty)' if value in ('', None) else value}"


def value_text(value: Any) -> str:
    """The env-file spelling of a default."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


def section(title: str, package: str, module_name: str, cls_name: str) -> list[str]:
    """The lines of one service's settings."""
    module = importlib.import_module(module_name)
    cls = getattr(module, cls_name)
    prefix = cls.env_prefix()
    source_comments = field_comments(module, cls)
    out = ["", f"# ---- {title} ({prefix}*, {module_name}.{cls_name}) ----"]
    for name, field in cls.model_fields.items():
        var = f"{prefix}{name.upper()}"
        comment = BY_VARIABLE.get(var) or source_comments.get(name) or COMMON.get(name)
        comment = comment or field.description or name.replace("_", " ").capitalize() + "."
        out.append(f"# {comment} ({describe(name, field)})")
        if var in SECRETS:
            out.append(f"{var}={SECRETS[var]}")
        else:
            default = None if field.is_required() else field.get_default(call_default_factory=True)
            out.append(f"# {var}={value_text(default)}")
    return out


def render() -> str:
    """The whole `.env.example`."""
    lines = [
        "# UK Management Platform settings. Copy to `.env` and replace every `change-me` value.",
        "# Read by every service (pydantic-settings, `.env` at the repo root), by `make run` and by",
        "# `docker compose` (env_file). A commented line shows a setting's default: uncomment to change it.",
        "# Regenerate after adding a setting: .venv/bin/python -m deploy.env_example",
        "",
        "# ---- Docker Compose only ----",
        "# Compose also needs BOT_TELEGRAM_TOKEN (Bot Gateway, below), or the demo's emulator settings:",
        "#   docker compose --env-file .env --env-file deploy/demo.env up --build",
    ]
    for var, (value, comment) in COMPOSE_ONLY.items():
        lines += [f"# {comment}", f"{var}={value}"]
    for entry in SETTINGS:
        lines += section(*entry)
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write (or with `--check`, compare) the repo's `.env.example`."""
    target = ROOT / ".env.example"
    text = render()
    if "--check" in sys.argv:
        raise SystemExit(0 if target.read_text() == text else ".env.example is out of date")
    target.write_text(text)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
