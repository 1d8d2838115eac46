"""`InlineKeyboardBuilder`: aiogram's, without its deep copies; every inline keyboard is built with it.

aiogram's builder deep-copies its whole markup (every button a pydantic model) on each `add`,
`button` and `buttons`, and again on `as_markup`: a keyboard of n buttons costs n² button copies,
about 1 ms for a list of ten requests with its paging row, where a whole reply costs the bot 5–8 ms
(docs/BENCHMARKS.md). Rows are copied here as lists; the buttons are shared, since nothing changes a
button once it is made.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton
from aiogram.utils import keyboard


class InlineKeyboardBuilder(keyboard.InlineKeyboardBuilder):  # noqa: TID251 (the one place)
    """aiogram's inline keyboard builder, its markup exported as new rows of the same buttons."""

    def export(self) -> list[list[InlineKeyboardButton]]:
        """The rows as new lists (a caller may change them freely), holding the builder's buttons."""
        return [list(row) for row in self._markup]
