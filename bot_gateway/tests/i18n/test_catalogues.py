"""The Russian and Uzbek catalogues say the same things with the same placeholders."""

from __future__ import annotations

import pytest
from catalogues import messages

from bot_gateway.i18n import LANGUAGES, all_texts, normalize, placeholders, t, tn

RU, UZ = messages("ru"), messages("uz")


def fields(forms: tuple[str, ...]) -> set[str]:
    """The placeholders of a message, over all its forms."""
    return set().union(*(placeholders(form) for form in forms))


def test_catalogues_have_the_same_keys():
    assert LANGUAGES == ("ru", "uz")
    assert set(RU) - set(UZ) == set(), "missing in uz"
    assert set(UZ) - set(RU) == set(), "missing in ru"


@pytest.mark.parametrize("key", sorted(RU))
def test_each_message_has_the_same_placeholders_in_both_languages(key):
    assert fields(RU[key]) == fields(UZ[key])


def test_unknown_language_falls_back_to_russian_not_uzbek():
    assert t("cancel.done", "en") == RU["cancel.done"][0]
    assert t("cancel.done", None) == RU["cancel.done"][0]
    assert t("cancel.done", "uz") == UZ["cancel.done"][0]


def test_telegram_language_codes_are_normalized():
    assert normalize("uz-UZ") == "uz"
    assert normalize("RU") == "ru"
    assert normalize("de") == "ru"


def test_placeholders_are_filled():
    assert t("nr.created", "uz", number=42).startswith("<b>№42</b>")
    assert "7" in tn("ratelimit.messages", 7, "uz")
    assert "«Лен»" in tn("nr.building.found", 3, "ru", query="Лен")


def test_all_texts_is_the_message_in_every_language():
    assert all_texts("button.help") == {"❓ Помощь", "❓ Yordam"}
