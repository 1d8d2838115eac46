"""`/api/v1/sheets`: read, write, append, batch and metadata (management token, `X-Tenant-ID`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from integration_service.dependencies import SheetsDep
from integration_service.logs.context import CallTenantDep
from integration_service.sheets import schemas
from integration_service.sheets.exceptions import SHEETS_ERRORS, SheetsError, not_configured
from integration_service.sheets.service import Sheets
from shared.ratelimit import Decision

T = TypeVar("T")
router = APIRouter(prefix="/api/v1/sheets", tags=["sheets"], responses=SHEETS_ERRORS)
Answer = JSONResponse


def error_response(exc: SheetsError) -> JSONResponse:
    """The mapped answer, with `Retry-After` when waiting helps."""
    headers = {}
    if exc.retry_after is not None:
        headers["Retry-After"] = Decision(False, 0, 0, exc.retry_after).retry_after_header
    body = {"detail": exc.detail}
    if exc.status_code in (502, 503):
        body["dependency"] = "google_sheets"
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


async def _answer(sheets: Sheets | None, call: Callable[[Sheets], Awaitable[T]]) -> T | JSONResponse:
    if sheets is None:
        return error_response(not_configured())
    try:
        return await call(sheets)
    except SheetsError as exc:
        return error_response(exc)


@router.post("/read", response_model=schemas.ValueRange)
async def read(body: schemas.ReadIn, sheets: SheetsDep, tenant: CallTenantDep) -> schemas.ValueRange | Answer:
    """Values of one range (cached five minutes per tenant, spreadsheet and range)."""
    return await _answer(sheets, lambda s: s.read(tenant, body.spreadsheet_id, body.range,
                                                  body.value_render_option))


@router.post("/write", response_model=schemas.Updated)
async def write(body: schemas.WriteIn, sheets: SheetsDep, tenant: CallTenantDep) -> schemas.Updated | Answer:
    """Overwrite a range; the spreadsheet's cached reads are dropped."""
    return await _answer(sheets, lambda s: s.write(tenant, body))


@router.post("/append", response_model=schemas.Updated)
async def append(body: schemas.WriteIn, sheets: SheetsDep, tenant: CallTenantDep) -> schemas.Updated | Answer:
    """Append rows after the range's table."""
    return await _answer(sheets, lambda s: s.append(tenant, body))


@router.post("/batch", response_model=schemas.BatchOut, response_model_exclude_none=True)
async def batch(body: schemas.BatchIn, sheets: SheetsDep, tenant: CallTenantDep) -> schemas.BatchOut | Answer:
    """Several reads or several writes in one Google call."""
    return await _answer(sheets, lambda s: s.batch(tenant, body))


@router.get("/metadata/{spreadsheet_id}", response_model=schemas.Metadata)
async def metadata(
    spreadsheet_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{10,128}$")], sheets: SheetsDep,
    tenant: CallTenantDep,
) -> schemas.Metadata | Answer:
    """Title, locale, time zone and the worksheets with their sizes."""
    return await _answer(sheets, lambda s: s.metadata(tenant, spreadsheet_id))
