"""A message that shows a count agrees with it: three Russian forms, one Uzbek form."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from catalogues import catalogue, messages

from bot_gateway.i18n import LANGUAGES, load, placeholders, tn

PLURAL_FORMS = {
    "ru": "nplurals=3; "
    "plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "uz": "nplurals=1; plural=0;",
}
PLURAL_KEYS = sorted(message.id[0] for message in catalogue("ru") if message.pluralizable)


@pytest.mark.parametrize("language", LANGUAGES)
def test_headers_name_the_language_its_plural_rule_and_utf8(language):
    headers = dict(catalogue(language).mime_headers)
    assert headers["Language"] == language
    assert headers["Plural-Forms"] == PLURAL_FORMS[language]
    assert headers["Content-Type"].lower() == "text/plain; charset=utf-8"


def test_every_count_shown_is_a_plural_message():
    counted = {"n", "count", "total", "photos", "seconds", "min", "max"}
    singular = {k for k, forms in messages("ru").items() if k not in PLURAL_KEYS}
    assert {k for k in singular if placeholders(messages("ru")[k][0]) & counted} == {
        "nr.apartment.invalid",  # a range of apartment numbers ("from 1 to 120"), not a count of things
        "nr.apartment.prompt",
    }
    assert len(PLURAL_KEYS) >= 20


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", PLURAL_KEYS)
def test_plural_messages_fill_every_form_and_show_the_count(language, key):
    forms = messages(language)[key]
    assert len(forms) == catalogue(language).num_plurals
    assert all(forms), f"{key}: an empty plural form in {language}"
    assert all("n" in placeholders(form) for form in forms)
    assert len({frozenset(placeholders(form)) for form in forms}) == 1


@pytest.mark.parametrize(
    ("n", "shown"),
    [
        (0, "0 заявок"),
        (1, "1 заявка"),
        (2, "2 заявки"),
        (4, "4 заявки"),
        (5, "5 заявок"),
        (11, "11 заявок"),
        (12, "12 заявок"),
        (14, "14 заявок"),
        (21, "21 заявка"),
        (22, "22 заявки"),
        (25, "25 заявок"),
        (101, "101 заявка"),
        (111, "111 заявок"),
    ],
)
def test_russian_picks_the_form_the_count_needs(n, shown):
    assert tn("stats.total", n, "ru") == f"Всего {shown}"


@pytest.mark.parametrize("n", [1, 2, 5, 21])
def test_uzbek_has_one_form_with_ta(n):
    assert tn("stats.total", n, "uz") == f"Jami: {n} ta ariza"
    assert tn("list.page", n, "uz", page=1, pages=2) == f"1-sahifa, jami 2 sahifa, {n} ta ariza"


def test_other_words_agree_too():
    assert tn("ratelimit.commands", 1, "ru").endswith("Подождите 1 секунду.")
    assert tn("ratelimit.commands", 3, "ru").endswith("Подождите 3 секунды.")
    assert tn("text.too_short", 21, "ru").endswith("не меньше 21 символа.")
    assert tn("text.too_short", 10, "ru").endswith("не меньше 10 символов.")
    assert tn("req.photos", 2, "ru") == "Фото: 2 снимка"
    assert tn("users.title", 5, "uz") == "<b>Foydalanuvchilar</b> (jami 5 ta foydalanuvchi)"


def test_an_unknown_language_counts_in_russian():
    assert tn("stats.total", 2, "en") == tn("stats.total", 2, None) == "Всего 2 заявки"


def compiled(folder: Path, language: str, entries: dict[str, str]) -> None:
    """A `.mo` of `entries` for `language` under `folder`."""
    built = Catalog(locale=language)
    for key, text in entries.items():
        built.add(key, text)
    (folder / language / "LC_MESSAGES").mkdir(parents=True)
    with (folder / language / "LC_MESSAGES" / "messages.mo").open("wb") as file:
        write_mo(file, built)


def test_a_key_a_language_lacks_is_said_in_russian(tmp_path):
    compiled(tmp_path, "ru", {"a": "А", "b": "Б"})
    compiled(tmp_path, "uz", {"a": "A"})
    i18n = load(tmp_path)
    assert isinstance(i18n.locales["uz"], gettext.GNUTranslations)
    assert [i18n.gettext(key, locale="uz") for key in ("a", "b")] == ["A", "Б"]
