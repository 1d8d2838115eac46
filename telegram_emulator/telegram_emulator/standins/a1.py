"""A1 notation for the stand-in Sheets API: `'My sheet'!A1:C3`, `Sheet1!A:C`, `A2`, `Sheet1`."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Z]*)(\d*)$")


def col_index(letters: str) -> int:
    """`A` -> 0, `AA` -> 26."""
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def col_letters(index: int) -> str:
    """0 -> `A`."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def quote_title(title: str) -> str:
    """Sheet titles with anything but letters, digits and `_` are quoted."""
    return title if re.fullmatch(r"\w+", title) else "'" + title.replace("'", "''") + "'"


@dataclass
class Span:
    """A rectangle on one sheet; ends are exclusive and None means "to the grid's edge"."""

    title: str | None
    row0: int
    col0: int
    row1: int | None
    col1: int | None


def parse(a1: str) -> Span:
    """Parse one A1 range; ValueError when it is not one."""
    title: str | None = None
    cells = a1
    if "!" in a1:
        title, cells = a1.rsplit("!", 1)
        if title.startswith("'") and title.endswith("'"):
            title = title[1:-1].replace("''", "'")
    elif not re.fullmatch(r"[A-Z]*\d*(:[A-Z]*\d*)?", a1) or a1 == "":
        return Span(a1.strip("'"), 0, 0, None, None)
    start, _, end = cells.partition(":")
    m0, m1 = _CELL.match(start), _CELL.match(end or start)
    if not m0 or not m1 or not (start.strip()):
        raise ValueError(f"Unable to parse range: {a1}")
    col0 = col_index(m0.group(1)) if m0.group(1) else 0
    row0 = int(m0.group(2)) - 1 if m0.group(2) else 0
    col1 = col_index(m1.group(1)) + 1 if m1.group(1) else None
    row1 = int(m1.group(2)) if m1.group(2) else None
    return Span(title, row0, col0, row1, col1)


def render(title: str, row0: int, col0: int, row1: int, col1: int) -> str:
    """`Title!A1:C3` for the rectangle (ends exclusive)."""
    first = f"{col_letters(col0)}{row0 + 1}"
    last = f"{col_letters(max(col1 - 1, col0))}{max(row1, row0 + 1)}"
    return f"{quote_title(title)}!{first}:{last}"
