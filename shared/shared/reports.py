"""Report files: rows of typed values as an XLSX workbook or a CSV text, headers in the reader's language.

Both the console and the bot build them from the Core's report rows (`REQUEST_COLUMNS` names the
columns of `GET /api/v1/reports/requests` in their order; `request_row` types one row of its JSON).
Times are shown in the tenant's zone: Excel keeps no time zone, so aware datetimes become local ones.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

Value = str | int | float | bool | date | datetime | None
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
MINUTES_FORMAT = "0.0"
# Column widths in characters: at least the header's, at most this.
MAX_WIDTH = 48
# Rows read to size the columns (a month's 20,000 need not all be measured).
SIZED_ROWS = 200
# The request report's columns, in order.
REQUEST_COLUMNS = ("number", "created_at", "building", "apartment", "category", "urgency", "status",
                   "executor", "reaction_minutes", "resolution_minutes", "sla_met", "rating", "returns")


def request_row(row: Mapping[str, Any]) -> dict[str, Value]:
    """A row of the Core's request report as typed values (its `created_at` a datetime)."""
    typed: dict[str, Value] = {column: row.get(column) for column in REQUEST_COLUMNS}
    created = row.get("created_at")
    if isinstance(created, str):
        typed["created_at"] = datetime.fromisoformat(created)
    return typed


def _local(value: Value, zone: tzinfo) -> Value:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    return value


def _number_format(value: Value) -> str | None:
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, float):
        return MINUTES_FORMAT
    return None


def _shown(value: Value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _widths(rows: Sequence[Mapping[str, Value]], columns: Sequence[str],
            headers: Mapping[str, str]) -> list[int]:
    widths = [len(headers.get(column, column)) for column in columns]
    for row in rows[:SIZED_ROWS]:
        for index, column in enumerate(columns):
            widths[index] = max(widths[index], len(_shown(row.get(column))))
    return [min(width + 2, MAX_WIDTH) for width in widths]


def xlsx(rows: Sequence[Mapping[str, Value]], columns: Sequence[str], headers: Mapping[str, str], *,
         zone: tzinfo, title: str = "Report") -> bytes:
    """A workbook of one sheet: a bold header row (frozen), then a typed row per item of `rows`.

    Datetimes become local to `zone` with a date-and-time format, floats get one decimal; a column
    without a header in `headers` is headed by its name."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, width in enumerate(_widths(rows, columns, headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, headers.get(column, column), font=bold) for column in columns])
    for row in rows:
        sheet.append([_value(sheet, _local(row.get(column), zone)) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(sheet: Worksheet, value: Value) -> Value | Cell:
    # A plain value is written as it is; a cell object (slower) only where a format is needed.
    return value if _number_format(value) is None else _cell(sheet, value)


def _cell(sheet: Worksheet, value: Value, font: Font | None = None) -> Cell:
    # The stubs leave out `date`, which openpyxl writes as a date.
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
    number_format = _number_format(value)
    if number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def csv_bytes(rows: Iterable[Mapping[str, Value]], columns: Sequence[str], headers: Mapping[str, str], *,
              zone: tzinfo) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads Cyrillic right): a header row, then a row per item;
    datetimes local to `zone` as `YYYY-MM-DD HH:MM`, booleans `true`/`false`, nothing for null."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([headers.get(column, column) for column in columns])
    for row in rows:
        writer.writerow([_shown(_local(row.get(column), zone)) for column in columns])
    return out.getvalue().encode("utf-8-sig")
