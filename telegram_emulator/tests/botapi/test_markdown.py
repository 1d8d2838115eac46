"""MarkdownV2 and legacy Markdown parse modes, with Telegram's escaping rules."""

from __future__ import annotations

from typing import Any

import pytest

from telegram_emulator.botapi.errors import ApiError
from telegram_emulator.botapi.markdown import parse_markdown


def v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    return parse_markdown(text, v2=True)


def test_bold_italic_underline_strike_and_spoiler():
    text, entities = v2("*b* _i_ __u__ ~s~ ||p||")
    assert text == "b i u s p"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 1),
        ("italic", 2, 1),
        ("underline", 4, 1),
        ("strikethrough", 6, 1),
        ("spoiler", 8, 1),
    ]


def test_escaped_reserved_characters_are_plain_text():
    assert v2(r"Заявка №5\. Цена 10\-20 \(руб\)\!") == ("Заявка №5. Цена 10-20 (руб)!", [])


def test_an_unescaped_reserved_character_is_refused_like_telegram():
    with pytest.raises(ApiError) as caught:
        v2("Hello.")
    reason = "Character '.' is reserved and must be escaped with the preceding '\\'"
    assert caught.value.description == f"Bad Request: can't parse entities: {reason}"


def test_links_mentions_and_custom_emoji():
    text, entities = v2(
        "[сайт](https://x.uz/a\\)b) [Анна](tg://user?id=42) ![👍](tg://emoji?id=5368324170671202286)"
    )
    assert text == "сайт Анна 👍"
    assert entities[0] == {"offset": 0, "length": 4, "type": "text_link", "url": "https://x.uz/a)b"}
    assert entities[1]["type"] == "text_mention" and entities[1]["user"]["id"] == 42
    assert entities[2] == {
        "offset": 10,
        "length": 2,
        "type": "custom_emoji",
        "custom_emoji_id": "5368324170671202286",
    }


def test_code_and_pre_with_a_language():
    text, entities = v2("`a.b` ```python\nx = 1.0\n```")
    assert text == "a.b x = 1.0\n"
    assert entities == [
        {"offset": 0, "length": 3, "type": "code"},
        {"offset": 4, "length": 8, "type": "pre", "language": "python"},
    ]


def test_blockquote_lines():
    text, entities = v2(">first\n>second\nafter")
    assert text == "first\nsecond\nafter"
    assert entities == [{"offset": 0, "length": 12, "type": "blockquote"}]


def test_an_unclosed_entity_is_refused():
    with pytest.raises(ApiError) as caught:
        v2("*bold")
    assert "Can't find end of Bold entity" in caught.value.description


def test_legacy_markdown_needs_no_escaping():
    assert parse_markdown("*Итого:* 5.00 (USD) - ok!", v2=False) == (
        "Итого: 5.00 (USD) - ok!",
        [{"offset": 0, "length": 6, "type": "bold"}],
    )


async def test_send_message_applies_markdown_v2(api, user):
    result = (
        await api("sendMessage", chat_id=user["id"], text="*Привет*\\!", parse_mode="MarkdownV2")
    ).json()
    assert result["result"]["text"] == "Привет!"
    assert result["result"]["entities"] == [{"offset": 0, "length": 6, "type": "bold"}]
    refused = await api("sendMessage", chat_id=user["id"], text="1.5", parse_mode="MarkdownV2")
    assert refused.status_code == 400
