"""Inline keyboards on a narrow phone: no label breaks inside a word at 390 px.

The budget comes from the emulator's chat page (`telegram_emulator/.../web/static/style.css`) on a
390 px screen: the chat's 10 px padding leaves 370 px, a bot message is at most 85 % of it with
10 px padding on each side (294 px), buttons of a row share that equally with 4 px gaps, and
each button spends 14 px on its padding and border. Text is 14 px: a Cyrillic letter is counted
9.5 px, a Latin letter 8 px, an emoji 20 px, a little over what system fonts draw, so a word that
passes here fits on a real phone too (and "материалов" and "Выполнена" fail in three columns, as
seen on a phone).
"""

from __future__ import annotations

import pytest
from aiogram.types import InlineKeyboardMarkup

from bot_gateway.handlers.requests.permissions import STATUS_STEPS
from bot_gateway.keyboards.requests import rating, request_actions, request_list, statuses
from bot_gateway.texts import STATUSES

MESSAGE_PX = 294
GAP_PX, BUTTON_PAD_PX = 4, 14
ACTIONS = ["take", "assign", "reassign", "status", "complete", "resume", "accept", "return", "cancel",
           "comment", "photos", "history", "refresh"]


def text_px(word: str) -> float:
    """A generous estimate of how wide `word` is drawn at 14 px."""
    return sum(20.0 if ord(c) >= 0x2000 else 9.5 if "\u0400" <= c <= "\u04ff" else 8.0 for c in word)


def broken_words(markup: InlineKeyboardMarkup) -> list[str]:
    """Every word wider than its button's text area."""
    broken = []
    for row in markup.inline_keyboard:
        room = (MESSAGE_PX - GAP_PX * (len(row) - 1)) / len(row) - BUTTON_PAD_PX
        broken += [word for button in row for word in button.text.split() if text_px(word) > room]
    return broken


@pytest.mark.parametrize("language", ["ru", "uz"])
def test_no_label_breaks_inside_a_word_at_390_px(language: str) -> None:
    item = {"number": "261205-0001", "status": "purchasing", "category": "plumbing"}
    for status in ("", *STATUSES):
        assert broken_words(request_list([item], "all", status, 2, 3, language, STATUSES)) == []
    assert broken_words(request_actions("261205-0001", ACTIONS, language)) == []
    for steps in STATUS_STEPS.values():
        assert broken_words(statuses("261205-0001", steps, language)) == []


def test_three_filter_columns_would_break_words_the_budget_is_real() -> None:
    chips = request_list([], "all", "", 1, 1, "ru", STATUSES).inline_keyboard
    flat = [button for row in chips for button in row]
    three = InlineKeyboardMarkup(inline_keyboard=[flat[i : i + 3] for i in range(0, len(flat), 3)])
    assert {"материалов", "Выполнена"} <= set(broken_words(three))


def test_rating_buttons_are_one_style_one_a_row() -> None:
    rows = rating("261205-0001").inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["⭐" * n] for n in range(1, 6)]
