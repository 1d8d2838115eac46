"""The catalogues as Babel reads them from the `.po` files (the source the `.mo` files compile from)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot_gateway.i18n import LOCALES


def po_path(language: str) -> Path:
    """The `.po` file of `language`."""
    return LOCALES / language / "LC_MESSAGES" / "messages.po"


@cache
def catalogue(language: str) -> Catalog:
    """The `.po` file of `language`, parsed."""
    with po_path(language).open("rb") as file:
        return read_po(file, locale=language)


def messages(language: str) -> dict[str, tuple[str, ...]]:
    """Each key of `language` with its text (one form) or its plural forms."""
    found: dict[str, tuple[str, ...]] = {}
    for message in catalogue(language):
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            found[key] = (message.string,) if isinstance(message.string, str) else tuple(message.string or ())
    return found
