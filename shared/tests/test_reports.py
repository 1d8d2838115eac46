"""Report files: an XLSX read back with openpyxl keeps each value's type; a CSV opens right in Excel."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

from shared.reports import REQUEST_COLUMNS, Value, csv_bytes, request_row, xlsx

TASHKENT = ZoneInfo("Asia/Tashkent")
HEADERS = {"number": "Номер", "created_at": "Создана", "building": "Дом", "reaction_minutes": "Реакция, мин",
           "sla_met": "SLA соблюдён", "rating": "Оценка"}
CORE_ROW = {
    "id": 7, "number": "261205-001", "created_at": "2026-12-05T04:30:00Z", "building_id": 3,
    "building": "Ташкент, ул. Навои, 1", "apartment": "12", "category": "plumbing", "urgency": "normal",
    "status": "accepted", "executor_id": 9, "executor": "Алишер Каримов", "reaction_minutes": 12.5,
    "resolution_minutes": 95.0, "sla_met": True, "rating": 5, "returns": 0,
}
OPEN_ROW = {**CORE_ROW, "number": "261205-002", "status": "new", "executor": None, "reaction_minutes": None,
            "resolution_minutes": None, "sla_met": None, "rating": None}


def read_back(content: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows()]


def test_the_workbook_has_a_bold_frozen_header_and_typed_cells() -> None:
    rows = [request_row(CORE_ROW), request_row(OPEN_ROW)]

    content = xlsx(rows, REQUEST_COLUMNS, HEADERS, zone=TASHKENT, title="Заявки 2026-12")

    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet is not None and sheet.title == "Заявки 2026-12" and sheet.freeze_panes == "A2"
    header, filed, still_new = read_back(content)
    assert [cell.value for cell in header[:3]] == ["Номер", "Создана", "Дом"]
    assert header[3].value == "apartment"  # no header given: the column's name
    assert all(cell.font.b for cell in header)
    values = dict(zip(REQUEST_COLUMNS, filed, strict=True))
    assert values["created_at"].value == datetime(2026, 12, 5, 9, 30)  # local time in Tashkent
    assert values["created_at"].is_date and values["created_at"].number_format == "yyyy-mm-dd hh:mm"
    assert values["reaction_minutes"].value == 12.5 and values["reaction_minutes"].data_type == "n"
    assert values["rating"].value == 5 and values["returns"].value == 0 and values["returns"].data_type == "n"
    assert values["sla_met"].value is True and values["sla_met"].data_type == "b"
    assert values["building"].value == "Ташкент, ул. Навои, 1" and values["building"].data_type == "s"
    empty = dict(zip(REQUEST_COLUMNS, still_new, strict=True))
    assert empty["executor"].value is None and empty["sla_met"].value is None


def test_columns_are_as_wide_as_their_header_or_values_within_a_limit() -> None:
    long_address = {**CORE_ROW, "building": "д" * 200}
    content = xlsx([request_row(long_address)], REQUEST_COLUMNS, HEADERS, zone=TASHKENT)

    widths = openpyxl.load_workbook(io.BytesIO(content)).active.column_dimensions  # type: ignore[union-attr]
    assert widths["A"].width >= len("261205-001")
    assert widths["C"].width == 48  # the building column, capped
    assert widths["B"].width >= len("2026-12-05 09:30")


def test_dates_are_dates_and_an_empty_report_is_its_header() -> None:
    daily: list[dict[str, Value]] = [{"day": date(2026, 12, 1), "filed": 3}]
    _, row = read_back(xlsx(daily, ("day", "filed"), {}, zone=UTC))
    assert row[0].is_date and row[0].number_format == "yyyy-mm-dd" and row[1].value == 3

    only_header = read_back(xlsx([], REQUEST_COLUMNS, HEADERS, zone=TASHKENT))
    assert len(only_header) == 1 and only_header[0][0].value == "Номер"


def test_the_csv_starts_with_a_byte_order_mark_and_a_header_row() -> None:
    rows = [request_row(CORE_ROW), request_row(OPEN_ROW)]
    content = csv_bytes(rows, REQUEST_COLUMNS, HEADERS, zone=TASHKENT)

    assert content.startswith(b"\xef\xbb\xbf")
    header, filed, still_new = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header[:3] == ["Номер", "Создана", "Дом"] and len(header) == len(REQUEST_COLUMNS)
    values = dict(zip(REQUEST_COLUMNS, filed, strict=True))
    assert (values["created_at"], values["reaction_minutes"], values["sla_met"], values["rating"]) == (
        "2026-12-05 09:30", "12.5", "true", "5")
    assert dict(zip(REQUEST_COLUMNS, still_new, strict=True))["sla_met"] == ""
