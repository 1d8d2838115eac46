"""Export every service's OpenAPI document to `docs/openapi/<service>.json` (`make openapi`)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from pydantic_settings import BaseSettings

from scripts.infra import ROOT

APPS = {
    "core_service": ("core_service.config", "Settings", {}),
    "integration_service": ("integration_service.config", "Settings", {}),
    "bot_gateway": ("bot_gateway.config", "Settings", {
        "mode": "webhook", "webhook_url": "https://bot.example/telegram/webhook", "webhook_secret": "s" * 32,
    }),
    "telegram_emulator": ("telegram_emulator.config", "Settings", {}),
    "console": ("console.config", "Settings", {}),
}


def placeholder(name: str) -> Any:
    """A valid stand-in for a required secret (the document does not depend on its value)."""
    if "key" in name:
        return Fernet.generate_key().decode()
    if "telegram_token" in name:
        return "100000001:openapi-export"
    return "openapi-export-placeholder-value-0123456789"


def settings_for(cls: type[BaseSettings], extra: dict[str, Any]) -> BaseSettings:
    """Settings with placeholders for every required field, never read from the environment."""
    values = {n: placeholder(n) for n, f in cls.model_fields.items() if f.is_required()}
    values.update(extra)
    return cls(_env_file=None, **values)


def export(package: str) -> dict[str, Any]:
    """The OpenAPI document of `package`'s app."""
    module, cls_name, extra = APPS[package]
    settings_cls = getattr(importlib.import_module(module), cls_name)
    app = importlib.import_module(f"{package}.app").create_app(settings_for(settings_cls, extra))
    return dict(app.openapi())


TITLES = {
    "core_service": "Core Service (:8000)", "integration_service": "Integration Service (:8001)",
    "bot_gateway": "Bot Gateway (:8002, webhook mode)", "telegram_emulator": "Telegram emulator (:8081)",
    "console": "Console (:8003, HTML pages and server-sent events)",
}
API_HEADER = """# HTTP APIs

Every service serves `GET /health` (and the same as `GET /health/live`), `GET /health/ready` and
`GET /metrics`, and its interactive documentation at `/docs` and `/redoc` while it runs (served
with its own assets: it works offline). The full OpenAPI documents are in
[openapi/](openapi/) (`make openapi` regenerates them and this page's tables; a test fails when
they are stale).

Conventions: JSON bodies; `Authorization: Bearer <token>` for management and internal calls
(`<PREFIX>API_TOKENS`; none configured means every call is refused with 401), user calls to the
Core Service carry the user's access token; the tenant comes from `X-Tenant-ID` (webhook senders:
`?tenant=`), default `default`. Errors are `{"detail": ...}`: 422 lists the invalid fields, 404 an
unknown id, 401 a missing or wrong token, 403 a role that may not, 409 a conflict (a duplicate, an
illegal status transition naming the allowed ones), 413 a body over 1 MiB, 429 over a rate limit
(with `Retry-After`), 503 a dependency that is down (with `Retry-After`, naming it).
Every response carries `X-Request-ID` (the caller's, or a new one). A page carries `total`, the
rows matching; the Integration Service's webhook events and call logs, which only grow, count at most
10,000 (`total_exact` is false beyond: `total` is then a lower bound).

Service-level details: [core_service/README.md](../core_service/README.md),
[telegram_emulator/README.md](../telegram_emulator/README.md).
"""


def endpoint_table(package: str, document: dict[str, Any]) -> str:
    """A Markdown table of the document's operations."""
    rows = [f"\n## {TITLES[package]}\n", "| method | path | what |", "| --- | --- | --- |"]
    for path, operations in sorted(document.get("paths", {}).items()):
        for method, operation in operations.items():
            lines = (operation.get("description") or operation.get("summary") or "").splitlines()
            summary = (lines[0] if lines else "").replace("|", "\\|")
            rows.append(f"| {method.upper()} | `{path}` | {summary} |")
    return "\n".join(rows) + "\n"


def main() -> int:
    """Write one JSON file per service; `--check` fails when a committed file is stale."""
    check = "--check" in sys.argv
    out = ROOT / "docs" / "openapi"
    out.mkdir(parents=True, exist_ok=True)
    stale = []
    api = API_HEADER
    outputs: dict[Path, str] = {}
    for package in APPS:
        document = export(package)
        api += endpoint_table(package, document)
        outputs[out / f"{package}.json"] = (
            json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        )
    outputs[ROOT / "docs" / "API.md"] = api
    for path, text in outputs.items():
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("stale OpenAPI documents (run `make openapi`):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
