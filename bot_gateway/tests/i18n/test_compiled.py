"""The committed `.mo` files, the template and the code agree: a stale catalogue fails here."""

from __future__ import annotations

from io import BytesIO

import pytest
from babel.messages.mofile import write_mo
from catalogues import LOCALES, catalogue, extract, kinds, literal_calls, po_path, read

from bot_gateway.i18n import LANGUAGES

TEMPLATE = LOCALES / "messages.pot"
COMPILE = "pybabel compile -d bot_gateway/bot_gateway/locales"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_mo_is_what_compiling_its_po_gives(language):
    compiled = BytesIO()
    write_mo(compiled, catalogue(language))
    committed = po_path(language).with_suffix(".mo").read_bytes()
    assert committed == compiled.getvalue(), f"{language}: the .mo is stale, run `{COMPILE}`"


def test_the_template_lists_exactly_the_keys_the_code_uses(tmp_path):
    in_code, in_template = set(kinds(extract(tmp_path))), set(kinds(read(TEMPLATE)))
    assert sorted(in_code - in_template) == [], "used in the code, not in messages.pot: extract, update"
    assert sorted(in_template - in_code) == [], (
        "in messages.pot, not found in the code: pass the key to t/tn as a literal, mark it with N_ "
        "in i18n/keys.py, or extract and update to drop it"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_the_template_keys_singular_or_plural_alike(language):
    assert kinds(catalogue(language)) == kinds(read(TEMPLATE)), f"{language}: run `pybabel update`"


def test_plural_messages_are_read_with_tn():
    plural = {key for key, is_plural in kinds(read(TEMPLATE)).items() if is_plural}
    through_t = sorted(f"{file}:{line} {key}" for file, line, key in literal_calls("t") if key in plural)
    assert through_t == [], "call tn(key, n, language) for a message that shows a count"
    without_tn = sorted(plural - {key for _, _, key in literal_calls("tn")})
    assert without_tn == [], "no tn call names these plural keys"
