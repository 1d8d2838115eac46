"""Languages: the gettext catalogues under `locales/`, and the language a request is answered in."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from fastapi import Request

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("ru", "uz")
DEFAULT_LANGUAGE = "ru"
LANGUAGE_COOKIE = "console_lang"


def N_(key: str) -> str:
    """Mark a message for extraction whose translation is looked up later."""
    return key


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of a language (loaded once)."""
    return Translations.load(str(LOCALES), [language], domain="messages")


def language_of(request: Request) -> str:
    """The language a page already settled on (the Mini App's: Telegram's), else the one the person
    chose (cookie), else the first of Accept-Language we speak, else ru."""
    settled = getattr(request.state, "lang", None)
    if settled in LANGUAGES:
        return str(settled)
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def gettext(language: str, message: str) -> str:
    """`message` in `language`."""
    return translations(language).ugettext(message)
