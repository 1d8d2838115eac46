"""The catalogues as Babel reads them (the `.po` files) and the message keys Babel finds in the code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot_gateway.i18n import LOCALES

PACKAGE = LOCALES.parent
MEMBER = PACKAGE.parent


def po_path(language: str) -> Path:
    """The `.po` file of `language`."""
    return LOCALES / language / "LC_MESSAGES" / "messages.po"


def read(path: Path, language: str | None = None) -> Catalog:
    """A `.po` or `.pot` file, parsed."""
    with path.open("rb") as file:
        return read_po(file, locale=language)


@cache
def catalogue(language: str) -> Catalog:
    """The `.po` file of `language`, parsed."""
    return read(po_path(language), language)


def key(message: Message) -> str:
    """A message's key (a plural message's singular id)."""
    return message.id if isinstance(message.id, str) else message.id[0]


def messages(language: str) -> dict[str, tuple[str, ...]]:
    """Each key of `language` with its text (one form) or its plural forms."""
    return {
        key(m): (m.string,) if isinstance(m.string, str) else tuple(m.string or ())
        for m in catalogue(language)
        if m.id
    }


def kinds(template: Catalog) -> dict[str, bool]:
    """Each key of a catalogue or template, and whether it is a plural message."""
    return {key(message): message.pluralizable for message in template if message.id}


def extract(folder: Path) -> Catalog:
    """What the documented `pybabel extract` writes, run on the code as it is now."""
    out = folder / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "--quiet", "extract", "-F", str(MEMBER / "pyproject.toml"), "-o", str(out),
        "--no-location", "--sort-output", "--project=bot_gateway", str(PACKAGE),
    ])
    return read(out)


def literal_calls(*names: str) -> list[tuple[str, int, str]]:
    """Each call of one of `names` (`t`, `tn`, `N_`) with a literal key: file, line and key."""
    keywords = {name: (1, 1) if name == "tn" else None for name in names}
    return [
        (filename, line, message if isinstance(message, str) else str(message[0]))
        for filename, line, message, _, _ in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=keywords
        )
    ]
