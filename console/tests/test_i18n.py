"""The console's catalogues: every message translated in both languages with the same
placeholders, and each committed `.mo` what compiling its `.po` gives."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from console.i18n import LANGUAGES, LOCALES

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue(path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def po(language: str) -> Catalog:
    return catalogue(LOCALES / language / "LC_MESSAGES" / "messages.po")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_template_is_translated(language):
    template = {m.id for m in catalogue(LOCALES / "messages.pot") if m.id}
    translated = {m.id: m.string for m in po(language) if m.id}
    assert template == set(translated), f"{language}: run pybabel update"
    assert [key for key, text in translated.items() if not text] == [], language


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    for message in po(language):
        if message.id:
            wanted = set(PLACEHOLDER.findall(str(message.id)))
            assert set(PLACEHOLDER.findall(str(message.string))) == wanted, message.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_mo_is_what_compiling_its_po_gives(language):
    compiled = BytesIO()
    write_mo(compiled, po(language))
    committed = (LOCALES / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert committed == compiled.getvalue(), f"{language}: run pybabel compile -d console/console/locales"
