"""The Russian and Uzbek catalogues say the same things with the same placeholders."""

from __future__ import annotations

import pytest

from bot_gateway.i18n import CATALOGUES, normalize, placeholders, t


def test_catalogues_have_the_same_keys():
    ru, uz = CATALOGUES["ru"], CATALOGUES["uz"]
    assert set(ru) - set(uz) == set(), "missing in uz"
    assert set(uz) - set(ru) == set(), "missing in ru"


@pytest.mark.parametrize("key", sorted(CATALOGUES["ru"]))
def test_each_message_has_the_same_placeholders_in_both_languages(key):
    assert placeholders(CATALOGUES["ru"][key]) == placeholders(CATALOGUES["uz"][key])


def test_unknown_language_falls_back_to_russian_not_uzbek():
    assert t("cancel.done", "en") == CATALOGUES["ru"]["cancel.done"]
    assert t("cancel.done", None) == CATALOGUES["ru"]["cancel.done"]
    assert t("cancel.done", "uz") == CATALOGUES["uz"]["cancel.done"]


def test_telegram_language_codes_are_normalized():
    assert normalize("uz-UZ") == "uz"
    assert normalize("RU") == "ru"
    assert normalize("de") == "ru"


def test_placeholders_are_filled():
    assert "7" in t("ratelimit.messages", "uz", seconds=7)
