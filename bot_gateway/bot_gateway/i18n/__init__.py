"""Message catalogues (one per language) and lookup with a Russian fallback."""

from __future__ import annotations

import string
from typing import Any

from bot_gateway.i18n import ru, ru_flows, uz, uz_flows

DEFAULT_LANGUAGE = "ru"
CATALOGUES = {"ru": ru.MESSAGES | ru_flows.MESSAGES, "uz": uz.MESSAGES | uz_flows.MESSAGES}
LANGUAGES = tuple(CATALOGUES)


def normalize(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """A supported language for a profile or Telegram `language_code` (`uz-UZ` -> `uz`)."""
    if not code:
        return default
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in CATALOGUES else default


def t(key: str, language: str | None, /, **values: Any) -> str:
    """The message `key` in `language` (Russian when the language or the key is missing)."""
    catalogue = CATALOGUES.get(normalize(language), CATALOGUES[DEFAULT_LANGUAGE])
    text = catalogue.get(key) or CATALOGUES[DEFAULT_LANGUAGE][key]
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a message expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def all_texts(key: str) -> set[str]:
    """The message `key` in every language (to match reply-keyboard buttons)."""
    return {catalogue[key] for catalogue in CATALOGUES.values()}
