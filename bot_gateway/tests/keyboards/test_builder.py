"""The inline keyboard builder lays buttons out as aiogram's does, without copying a button."""
# ruff: noqa: TID251  (aiogram's own builder is what ours is compared with)

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils import keyboard

from bot_gateway.keyboards.builder import InlineKeyboardBuilder


def ten_requests_and_paging(builder: keyboard.InlineKeyboardBuilder) -> InlineKeyboardMarkup:
    """A list of ten requests, one a row, and its two paging buttons side by side."""
    for n in range(10):
        builder.button(text=f"№261207-{n}", callback_data=f"r:{n}")
    builder.button(text="◀️", callback_data="p:0")
    builder.button(text="▶️", callback_data="p:2")
    builder.adjust(*[1] * 10, 2)
    return builder.as_markup()


def test_a_keyboard_is_laid_out_as_aiograms_builder_lays_it_out() -> None:
    ours = ten_requests_and_paging(InlineKeyboardBuilder())
    theirs = ten_requests_and_paging(keyboard.InlineKeyboardBuilder())
    assert ours == theirs
    assert [len(row) for row in ours.inline_keyboard] == [1] * 10 + [2]


def test_a_button_is_sent_as_it_was_made_not_a_copy() -> None:
    take = InlineKeyboardButton(text="🙋 Взять", callback_data="t:1")
    builder = InlineKeyboardBuilder()
    builder.add(take, InlineKeyboardButton(text="🔎", callback_data="o:1"))
    assert builder.as_markup().inline_keyboard[0][0] is take


def test_changing_an_exported_row_leaves_the_builder_as_it_was() -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text="1", callback_data="1")
    builder.button(text="2", callback_data="2")
    rows = builder.export()
    rows[0].clear()
    rows.append([])
    assert [[button.text for button in row] for row in builder.export()] == [["1", "2"]]
