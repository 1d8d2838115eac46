"""The Sheets API v4 values and spreadsheet endpoints, enough of them for gspread's calls."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from telegram_emulator.standins import a1
from telegram_emulator.standins.state import Failure, Sheet, Spreadsheet, StandinState

STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


def google_error(code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """Google's error envelope."""
    body = {"error": {"code": code, "message": message, "status": STATUS_NAMES.get(code, "UNKNOWN")}}
    return JSONResponse(body, status_code=code, headers=headers)


def _canned_error(failure: Failure) -> JSONResponse:
    return google_error(failure.status, "canned failure", failure.headers)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "" if value is None else str(value)


def read(sheet: Sheet, span: a1.Span) -> dict[str, Any]:
    """values.get: the rectangle's rows, trailing empty cells and rows trimmed, as Google does."""
    row1 = span.row1 if span.row1 is not None else sheet.row_count
    col1 = span.col1 if span.col1 is not None else sheet.col_count
    rows = []
    for row in sheet.rows[span.row0:row1]:
        cells = [_cell(v) for v in row[span.col0:col1]]
        while cells and cells[-1] == "":
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    body: dict[str, Any] = {"range": a1.render(sheet.title, span.row0, span.col0, row1, col1),
                            "majorDimension": "ROWS"}
    if rows:
        body["values"] = rows
    return body


def write(sheet: Sheet, row0: int, col0: int, values: list[list[Any]], sid: str) -> dict[str, Any]:
    """values.update at a top-left corner."""
    width = max((len(r) for r in values), default=0)
    for i, row in enumerate(values):
        while len(sheet.rows) <= row0 + i:
            sheet.rows.append([])
        target = sheet.rows[row0 + i]
        while len(target) < col0 + len(row):
            target.append("")
        for j, value in enumerate(row):
            target[col0 + j] = value
    sheet.row_count = max(sheet.row_count, len(sheet.rows))
    return {"spreadsheetId": sid, "updatedRange": a1.render(sheet.title, row0, col0, row0 + len(values),
                                                             col0 + width),
            "updatedRows": len(values), "updatedColumns": width,
            "updatedCells": sum(len(r) for r in values)}


def router(state: StandinState) -> APIRouter:
    """Routes under `/v4/spreadsheets`."""
    api = APIRouter()

    def guard(request: Request, route: str, sid: str) -> tuple[Spreadsheet | None, JSONResponse | None]:
        auth = request.headers.get("authorization", "")
        with state.lock:
            email = state.tokens.get(auth.removeprefix("Bearer "))
            book = state.spreadsheets.get(sid)
        if email is None:
            return None, google_error(401, "Request had invalid authentication credentials.")
        if book is None:
            return None, google_error(404, "Requested entity was not found.")
        if email not in book.shared_with:
            return None, google_error(403, "The caller does not have permission")
        return book, None

    def span_of(book: Spreadsheet, text: str) -> tuple[Sheet, a1.Span] | JSONResponse:
        try:
            span = a1.parse(text)
        except ValueError as exc:
            return google_error(400, str(exc))
        sheet = book.sheet(span.title)
        if sheet is None:
            return google_error(400, f"Unable to parse range: {text}")
        return sheet, span

    @api.api_route("/v4/spreadsheets/{rest:path}", methods=["GET", "PUT", "POST"])
    async def dispatch(request: Request, rest: str) -> JSONResponse:
        raw = request.scope["raw_path"].decode().split("/v4/spreadsheets/", 1)[1]
        sid, _, tail = raw.partition("/")
        sid, _, verb = sid.partition(":")
        route = _route_name(request.method, tail, verb)
        if state.latency:
            await asyncio.sleep(state.latency)
        if (failure := await state.canned_answer(route, request, _canned_error)) is not None:
            return failure
        book, error = guard(request, route, sid)
        if error is not None or book is None:
            return error or google_error(500, "no book")
        body = await request.json() if request.method in ("PUT", "POST") else None
        with state.lock:
            return _serve(route, book, tail, request, body, span_of)

    return api


def _route_name(method: str, tail: str, verb: str) -> str:
    if verb == "batchUpdate":
        return "batchUpdate"
    if not tail:
        return "spreadsheets.get"
    if tail.startswith("values:"):
        return "values." + tail.split(":", 1)[1]
    if tail.endswith(":append"):
        return "values.append"
    return "values.update" if method == "PUT" else "values.get"


def _serve(route: str, book: Spreadsheet, tail: str, request: Request, body: Any,
           span_of: Any) -> JSONResponse:
    sid = book.spreadsheet_id
    if route == "spreadsheets.get":
        return JSONResponse(metadata(book))
    if route == "values.batchGet":
        found = [span_of(book, r) for r in request.query_params.getlist("ranges")]
        if bad := next((f for f in found if isinstance(f, JSONResponse)), None):
            return bad
        return JSONResponse({"spreadsheetId": sid, "valueRanges": [read(s, sp) for s, sp in found]})
    if route == "values.batchUpdate":
        responses = []
        for item in body.get("data", []):
            found = span_of(book, item["range"])
            if isinstance(found, JSONResponse):
                return found
            responses.append(write(found[0], found[1].row0, found[1].col0, item["values"], sid))
        return JSONResponse({"spreadsheetId": sid,
                             "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                             "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
                             "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                             "totalUpdatedSheets": len({r["updatedRange"].split("!")[0] for r in responses}),
                             "responses": responses})
    found = span_of(book, unquote(tail.removeprefix("values/").removesuffix(":append")))
    if isinstance(found, JSONResponse):
        return found
    sheet, span = found
    if route == "values.get":
        return JSONResponse(read(sheet, span))
    if route == "values.update":
        return JSONResponse(write(sheet, span.row0, span.col0, body.get("values", []), sid))
    # From the bottom: a register only grows, and a scan from the top made every append slower
    # than the last (the stand-in's CPU grew through a load test).
    last = next((i + 1 for i in range(len(sheet.rows) - 1, -1, -1) if any(_cell(v) for v in sheet.rows[i])),
                span.row0)
    update = write(sheet, max(last, span.row0), span.col0, body.get("values", []), sid)
    table = a1.render(sheet.title, span.row0, span.col0, max(last, span.row0 + 1), span.col0 + 1)
    return JSONResponse({"spreadsheetId": sid, "tableRange": table, "updates": update})


def metadata(book: Spreadsheet) -> dict[str, Any]:
    """spreadsheets.get without grid data."""
    return {"spreadsheetId": book.spreadsheet_id,
            "properties": {"title": book.title, "locale": "ru_RU", "timeZone": "Asia/Tashkent"},
            "sheets": [{"properties": {
                "sheetId": s.sheet_id, "title": s.title, "index": i, "sheetType": "GRID",
                "gridProperties": {"rowCount": s.row_count, "columnCount": s.col_count}}}
                for i, s in enumerate(book.sheets)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"}
