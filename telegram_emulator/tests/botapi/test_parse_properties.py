"""Any input either parses into entities that fit the text, or is refused with a 400: HTML and Markdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from telegram_emulator.botapi.errors import ApiError
from telegram_emulator.botapi.formatting import parse_html, utf16_len
from telegram_emulator.botapi.markdown import parse_markdown

HTML_PIECES = ["a", " ", "я", "🏠", "&amp;", "&lt;", "<b>", "</b>", "<i>", "</i>", "<", ">", '<a href="x">',
               "</a>", "<br>", "<code>", "</code>", "&#128512;"]


def assert_parsed_or_refused(parse: Callable[[], tuple[str, list[dict[str, Any]]]]) -> None:
    """`parse()` gives entities within its text, or raises a 400."""
    try:
        text, entities = parse()
    except ApiError as exc:
        assert exc.code == 400
        return
    for entity in entities:
        assert entity["offset"] >= 0 and entity["length"] > 0
        assert entity["offset"] + entity["length"] <= utf16_len(text)


@given(st.lists(st.sampled_from(HTML_PIECES), max_size=12).map("".join))
def test_any_html_parses_or_is_refused_with_a_bad_request(source: str) -> None:
    assert_parsed_or_refused(lambda: parse_html(source))


@given(st.text(alphabet=st.sampled_from(list("ab \n\\*_~|[]()`>!.-я🏠")), max_size=40), st.booleans())
def test_any_text_parses_or_is_refused_with_a_bad_request(source: str, version2: bool) -> None:
    assert_parsed_or_refused(lambda: parse_markdown(source, v2=version2))
