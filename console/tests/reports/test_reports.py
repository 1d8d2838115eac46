"""The reports page with the figures of real requests in Core, and the period's requests as XLSX
(typed cells, a bold frozen header) and CSV (with a byte-order mark) in the reader's language;
bad periods answered with a page, only managers and admins let in."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from consoling import file_request
from openpyxl import load_workbook

from console.lifecycle import Console
from console.reports.period import Period
from console.sessions.store import COOKIE
from shared.app import resources_of

TODAY = datetime.now(ZoneInfo("Asia/Tashkent")).date()
PERIOD = {"from": TODAY.isoformat(), "to": TODAY.isoformat()}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RU, UZ = {"Accept-Language": "ru"}, {"Accept-Language": "uz"}


@pytest.fixture
async def month(core, signed_in, make_person, make_building) -> list[str]:
    """Three requests of today: plumbing accepted with a rating of 4, plumbing returned once, a lift
    still new (in another building)."""
    navoi = await make_building("Ташкент, ул. Навои, 1")
    chilonzor = await make_building("Ташкент, Чиланзар, 5")
    resident = await make_person("resident", name="Aziza")
    plumber = await make_person("executor", specializations=("plumbing",), name="Bobur")
    accepted = await file_request(core, resident, navoi)
    returned = await file_request(core, resident, navoi, description="Нет горячей воды")
    lift = await file_request(core, resident, chilonzor, category="elevator", description="Лифт стоит")
    for number, ending in ((accepted, {"status": "accepted", "rating": 4}),
                           (returned, {"status": "returned", "reason": "всё ещё течёт"})):
        steps = ((signed_in, "POST", "assign", {"executor_id": plumber.id}),
                 (plumber, "PATCH", "status", {"status": "completed"}), (resident, "PATCH", "status", ending))
        for person, method, action, body in steps:
            answer = await core.request(method, f"/api/v1/requests/{number}/{action}", json=body,
                                        headers=person.headers)
            assert answer.status_code == 200, answer.text
    return [accepted, returned, lift]


def cells(page: str, row: str) -> list[str]:
    """The texts of a table row of the page, found by its heading."""
    part = page.split(f'<th scope="row">{row}</th>')[1].split("</tr>")[0]
    return [cell.split(">", 1)[1].split("<")[0].strip() for cell in part.split("<td")[1:]]


async def test_the_page_shows_the_periods_figures_per_group_with_charts(browser, month):
    page = await browser.get("/reports", headers=RU)

    assert page.status_code == 200, page.text
    assert f'value="{TODAY.replace(day=1).isoformat()}"' in page.text  # this month by default
    assert cells(page.text, "Сантехника")[:2] == ["2", "1"]
    assert cells(page.text, "Лифт")[:2] == ["1", "0"]
    total = cells(page.text, "Итого")
    assert (total[0], total[1], total[5], total[6]) == ("3", "1", "4.0", "1")
    assert page.text.count('<svg class="chart"') == 2  # filed and closed per day, shares within SLA
    assert f"{TODAY:%d.%m}: 3</title>" in page.text
    assert f'href="/reports/requests.xlsx?from={TODAY.replace(day=1).isoformat()}&amp;to=' in page.text

    buildings = (await browser.get("/reports", params={**PERIOD, "group_by": "executor"}, headers=UZ)).text
    assert "Bobur" in buildings and cells(buildings, "Ijrochisiz")[0] == "1"
    assert cells(buildings, "Jami")[0] == "3"


async def test_an_empty_period_says_so(browser, signed_in):
    page = await browser.get("/reports", params={"from": "2020-01-01", "to": "2020-01-31"}, headers=RU)

    assert page.status_code == 200
    assert "В этом периоде заявок не было." in page.text
    assert cells(page.text, "Итого")[:2] == ["0", "0"]


async def test_the_xlsx_has_a_typed_row_per_request_under_a_frozen_header(browser, month):
    answer = await browser.get("/reports/requests.xlsx", params=PERIOD, headers=RU)

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == XLSX
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="requests-{TODAY.isoformat()}-{TODAY.isoformat()}.xlsx"')
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Заявки"]
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Номер", "Подана", "Дом") and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert [row[0] for row in rows[1:]] == month
    accepted = dict(zip(rows[0], rows[1], strict=True))
    assert isinstance(accepted["Подана"], datetime) and accepted["Подана"].date() == TODAY
    assert (accepted["Дом"], accepted["Категория"], accepted["Статус"]) == (
        "Ташкент, ул. Навои, 1", "Сантехника", "Принята")
    assert accepted["Исполнитель"] == "Bobur" and accepted["Оценка"] == 4 and accepted["Возвраты"] == 0
    minutes = [sheet.cell(row=2, column=rows[0].index(title) + 1)
               for title in ("Реакция, мин", "Решение, мин")]
    assert [(type(cell.value) in (int, float), cell.number_format) for cell in minutes] == [(True, "0.0")] * 2
    lift = dict(zip(rows[0], rows[3], strict=True))
    assert lift["Исполнитель"] is None and lift["Решение, мин"] is None


async def test_the_csv_is_utf8_with_a_byte_order_mark_and_headers_in_the_readers_language(browser, month):
    answer = await browser.get("/reports/requests.csv", params=PERIOD, headers=UZ)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].endswith(f'{TODAY.isoformat()}.csv"')
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Raqam", "Yuborilgan"] and len(rows) == 4
    assert rows[1][0] == month[0] and rows[1][1].startswith(TODAY.isoformat())


@pytest.mark.parametrize("period", [
    {"from": "2026-13-01", "to": "2026-12-31"},
    {"from": "yesterday"},
    {"from": "2026-12-31", "to": "2026-12-01"},
    {"from": "2024-01-01", "to": "2025-12-31"},
    {"from": "2026-12-01" * 50},
])
@pytest.mark.parametrize("path", ["/reports", "/reports/requests.xlsx", "/reports/requests.csv"])
async def test_a_bad_or_reversed_period_is_answered_with_a_page(browser, signed_in, path, period):
    answer = await browser.get(path, params=period, headers=RU)

    assert answer.status_code == 422
    assert "Проверьте период" in answer.text and "ГГГГ-ММ-ДД" in answer.text


async def test_signed_out_is_sent_to_sign_in_and_a_resident_is_refused(browser, core, console_app,
                                                                         make_person):
    for path in ("/reports", "/reports/requests.xlsx", "/reports/requests.csv"):
        answer = await browser.get(path, params=PERIOD)
        assert (answer.status_code, answer.headers["location"]) == (303, "/login")
    resident = await make_person("resident")
    tokens = await core.post("/api/v1/auth/telegram", json={"telegram_id": resident.telegram_id,
                                                            "first_name": "Aziza"})
    console = resources_of(console_app).components
    assert isinstance(console, Console)
    session = await console.sessions.create(tokens.json())
    browser.cookies.set(COOKIE, session.id)
    for path in ("/reports", "/reports/requests.xlsx", "/reports/requests.csv"):
        answer = await browser.get(path, params=PERIOD, headers=RU)
        assert answer.status_code == 403 and "Нет доступа" in answer.text, answer.text


def test_this_month_is_the_default_period():
    period = Period.of(None, None, today=date(2026, 2, 14))
    assert (period.first, period.last) == (date(2026, 2, 1), date(2026, 2, 14))
    assert Period.of("2026-02-10", None, today=date(2026, 2, 1)).last == date(2026, 2, 10)
    assert Period.of(None, "2026-03-31", today=date(2026, 3, 31)).first == date(2026, 3, 1)
