"""`.env.example` lists every setting of every service, and nothing that no longer exists."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["core_service", "integration_service", "bot_gateway", "telegram_emulator", "console"]
PREFIXES = ("CORE_", "INTEGRATION_", "BOT_", "EMULATOR_", "CONSOLE_")


def settings_variables(kit: ModuleType) -> dict[str, str]:
    """Every environment variable a settings class reads -> the package reading it."""
    out = {}
    for package in PACKAGES:
        cls = kit.settings_class(package)
        out.update({f"{cls.env_prefix()}{name}".upper(): package for name in cls.model_fields})
    return out


def test_every_setting_of_every_service_is_listed(kit: ModuleType, env_example: Any) -> None:
    missing = sorted(set(settings_variables(kit)) - env_example.listed)
    assert not missing, f"add to .env.example (.venv/bin/python -m deploy.env_example): {missing}"


def test_nothing_listed_is_a_setting_that_does_not_exist(kit: ModuleType, env_example: Any) -> None:
    known = settings_variables(kit)
    stale = sorted(v for v in env_example.listed if v.startswith(PREFIXES) and v not in known)
    assert not stale, f"no service reads {stale}"


def test_every_listed_setting_has_a_comment_line_above_it() -> None:
    variable = re.compile(r"^#?\s*[A-Z][A-Z0-9_]*=")
    lines = (ROOT / ".env.example").read_text().splitlines()
    for i, line in enumerate(lines):
        if variable.match(line):
            above = lines[i - 1]
            assert above.startswith("# ") and not variable.match(above), f"no comment for {line}"


# Compose refuses to start without these, on purpose: the operator must choose (the demo file does).
OPERATOR_CHOICES = {"BOT_TELEGRAM_TOKEN"}


def test_every_variable_compose_interpolates_is_set_in_the_example(env_example: Any) -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for name, op in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?", text):
        if op not in ("-", ":-") and name not in OPERATOR_CHOICES:
            assert env_example.values.get(name), f"docker-compose.yml needs {name}; .env.example lacks it"
        if name in OPERATOR_CHOICES:
            assert name in env_example.listed, f"{name}: .env.example does not say what to put there"
            assert env_example.interpolation.get(name), f"deploy/demo.env does not set {name}"
