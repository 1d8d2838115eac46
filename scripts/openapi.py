"""Export every service's OpenAPI document to `docs/openapi/<service>.json` (`make openapi`)."""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

from cryptography.fernet import Fernet
from pydantic_settings import BaseSettings

from scripts.infra import ROOT

APPS = {
    "core_service": ("core_service.config", "Settings", {}),
    "integration_service": ("integration_service.config", "Settings", {}),
    "bot_gateway": ("bot_gateway.settings", "BotSettings", {
        "mode": "webhook", "webhook_url": "https://bot.example/telegram/webhook", "webhook_secret": "s" * 32,
    }),
    "telegram_emulator": ("telegram_emulator.settings", "EmulatorSettings", {}),
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


def main() -> int:
    """Write one JSON file per service; `--check` fails when a committed file is stale."""
    check = "--check" in sys.argv
    out = ROOT / "docs" / "openapi"
    out.mkdir(parents=True, exist_ok=True)
    stale = []
    for package in APPS:
        text = json.dumps(export(package), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        path = out / f"{package}.json"
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
