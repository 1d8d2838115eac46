"""`/reports`: a period's figures per building, category, executor or day with two charts, and
`/reports/requests.xlsx` and `.csv`, a row per request of the period, all read from Core with the
signed-in person's token (Core lets only managers and admins read reports)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from console.board import vocabulary
from console.clients.core import CoreClient
from console.dependencies import CoreDep, SessionDep
from console.i18n import N_, gettext, language_of
from console.reports import charts
from console.reports.period import BadPeriod, Period
from console.sessions.store import Session
from console.templating import render
from shared import reports

router = APIRouter(prefix="/reports", tags=["reports"])
SUMMARY, ROWS = "/api/v1/reports/summary", "/api/v1/reports/requests"
# Core's largest page of rows: a month of a big company is a handful of calls.
PAGE_ROWS = 5000
GROUPINGS = {"building": N_("Building"), "category": N_("Category"), "executor": N_("Executor"),
             "day": N_("Day")}
HEADERS = {
    "number": N_("Number"), "created_at": N_("Filed"), "building": N_("Building"),
    "apartment": N_("Apartment"), "category": N_("Category"), "urgency": N_("Urgency"),
    "status": N_("Status"), "executor": N_("Executor"), "reaction_minutes": N_("Reaction, min"),
    "resolution_minutes": N_("Resolution, min"), "sla_met": N_("SLA met"), "rating": N_("Rating"),
    "returns": N_("Returns"),
}
# The request's words the files show in the reader's language rather than as Core's keys.
WORDS = {"category": vocabulary.CATEGORIES, "urgency": vocabulary.URGENCIES, "status": vocabulary.STATUSES}
BAD_PERIOD = (N_("Check the period"),
              N_("Dates are YYYY-MM-DD, the first no later than the last, a year at most."))
NO_EXECUTOR, SHEET = N_("No executor"), N_("Requests")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Bad dates are answered by the period check with a page in the person's language, not a JSON 422.
FromDate = Annotated[str | None, Query(alias="from")]
ToDate = str | None


def _period(request: Request, first: str | None, last: str | None) -> Period | Response:
    try:
        return Period.of(first, last)
    except BadPeriod:
        language = language_of(request)
        title, message = BAD_PERIOD
        context = {"title": gettext(language, title), "message": gettext(language, message)}
        return render(request, "error.html", context, status_code=422)


def _names(request: Request, groups: list[dict[str, Any]], group_by: str) -> list[str]:
    language = language_of(request)
    if group_by == "category":
        return [gettext(language, vocabulary.CATEGORIES.get(g["key"], g["key"])) for g in groups]
    if group_by == "day":
        return [f"{g['key'][8:10]}.{g['key'][5:7]}.{g['key'][:4]}" for g in groups]
    return [g["label"] or gettext(language, NO_EXECUTOR) for g in groups]


@router.get("", response_class=HTMLResponse)
async def summary(request: Request, session: SessionDep, core: CoreDep,
                  first: FromDate = None, to: ToDate = None, group_by: str = "category") -> Response:
    """The period's figures per group, the total, filed against closed per day and SLA shares."""
    period = _period(request, first, to)
    if isinstance(period, Response):
        return period
    if group_by not in GROUPINGS:
        group_by = "category"
    token, params = session.access_token, period.params()
    wanted = [core.json("GET", SUMMARY, token, params={**params, "group_by": group_by})]
    if group_by != "day":
        wanted.append(core.json("GET", SUMMARY, token, params={**params, "group_by": "day"}))
    found = await asyncio.gather(*wanted)
    grouped, daily = found[0], found[-1]
    names = _names(request, grouped["groups"], group_by)
    context = {"period": period, "group_by": group_by, "GROUPINGS": GROUPINGS, "summary": grouped,
               "rows": list(zip(names, grouped["groups"], strict=True)),
               "daily": charts.daily(daily["groups"], period.first, period.last),
               "shares": charts.sla_shares(grouped["groups"], names)}
    return render(request, "reports/reports.html", context)


async def _rows(core: CoreClient, session: Session, period: Period) -> tuple[list[dict[str, Any]], str]:
    """Every row of the period (Core's pages followed to the last) and the tenant's time zone."""
    rows: list[dict[str, Any]] = []
    after: int | None = None
    while True:
        params: dict[str, Any] = {**period.params(), "limit": PAGE_ROWS}
        if after is not None:
            params["after"] = after
        page = await core.json("GET", ROWS, session.access_token, params=params)
        rows += page["rows"]
        after = page["next_after"]
        if after is None:
            return rows, page["timezone"]


async def _export(request: Request, session: Session, core: CoreClient, first: str | None, last: str | None,
                  kind: Literal["xlsx", "csv"]) -> Response:
    period = _period(request, first, last)
    if isinstance(period, Response):
        return period
    found, zone = await _rows(core, session, period)
    language = language_of(request)
    headers = {column: gettext(language, title) for column, title in HEADERS.items()}
    rows = [_translated(reports.request_row(row), language) for row in found]
    name = f"requests-{period.first.isoformat()}-{period.last.isoformat()}.{kind}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    # A month of a big company is seconds of openpyxl: built in a thread, never on the event loop.
    if kind == "xlsx":
        body = await asyncio.to_thread(reports.xlsx, rows, reports.REQUEST_COLUMNS, headers,
                                       zone=ZoneInfo(zone), title=gettext(language, SHEET))
        return Response(body, media_type=XLSX_TYPE, headers=disposition)
    body = await asyncio.to_thread(reports.csv_bytes, rows, reports.REQUEST_COLUMNS, headers,
                                   zone=ZoneInfo(zone))
    return Response(body, media_type="text/csv; charset=utf-8", headers=disposition)


def _translated(row: dict[str, reports.Value], language: str) -> dict[str, reports.Value]:
    for column, words in WORDS.items():
        value = row.get(column)
        if isinstance(value, str) and value in words:
            row[column] = gettext(language, words[value])
    return row


@router.get("/requests.xlsx")
async def requests_xlsx(request: Request, session: SessionDep, core: CoreDep,
                        first: FromDate = None, to: ToDate = None) -> Response:
    """A workbook of the period's requests: typed cells, a bold frozen header in the reader's language."""
    return await _export(request, session, core, first, to, "xlsx")


@router.get("/requests.csv")
async def requests_csv(request: Request, session: SessionDep, core: CoreDep,
                       first: FromDate = None, to: ToDate = None) -> Response:
    """The period's requests as CSV (UTF-8 with a byte-order mark, so Excel reads Cyrillic)."""
    return await _export(request, session, core, first, to, "csv")
