"""The bot's messages: gettext catalogues in `locales/`, looked up by key, with a Russian fallback.

Each language is one `locales/<lang>/LC_MESSAGES/messages.po` (compiled to the `.mo` next to it,
which is what runs). A message id is a key such as `status.new`; a message's `{name}` fields are
filled with `str.format`, and a plural message (`tn`) gets its count as `{n}`.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from aiogram.utils.i18n import I18n

DEFAULT_LANGUAGE = "ru"
LOCALES = Path(__file__).resolve().parent.parent / "locales"


def load(path: Path) -> I18n:
    """aiogram's `I18n` over the compiled catalogues in `path`, each falling back to Russian."""
    i18n = I18n(path=path, default_locale=DEFAULT_LANGUAGE, domain="messages")
    for language, translations in i18n.locales.items():
        if language != DEFAULT_LANGUAGE:
            translations.add_fallback(i18n.locales[DEFAULT_LANGUAGE])
    return i18n


# Loaded once: every lookup is a dictionary read on an in-memory catalogue.
I18N = load(LOCALES)
LANGUAGES = (DEFAULT_LANGUAGE, *sorted(set(I18N.available_locales) - {DEFAULT_LANGUAGE}))


def N_(key: str) -> str:
    """`key` unchanged: marks a key the code composes at run time, for `pybabel extract`."""
    return key


def normalize(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """A supported language for a profile or Telegram `language_code` (`uz-UZ` -> `uz`)."""
    if not code:
        return default
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else default


def t(key: str, language: str | None, /, **values: Any) -> str:
    """The message `key` in `language` (Russian when the language or the key is missing)."""
    text = I18N.gettext(key, locale=normalize(language))
    return text.format(**values) if values else text


def tn(key: str, n: int, language: str | None, /, **values: Any) -> str:
    """The plural message `key` in the form for the count `n`, which fills `{n}`."""
    return I18N.gettext(key, key, n, locale=normalize(language)).format(n=n, **values)


def placeholders(text: str) -> set[str]:
    """The `{name}` fields a message expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def all_texts(key: str) -> set[str]:
    """The message `key` in every language (to match reply-keyboard buttons)."""
    return {I18N.gettext(key, locale=language) for language in LANGUAGES}
