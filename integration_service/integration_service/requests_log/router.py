"""`/api/v1/sheets/requests-log`: the tenant's requests-log spreadsheet (management token)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status

from integration_service.dependencies import SheetsDep
from integration_service.logs.context import CallTenantDep
from integration_service.requests_log import service
from integration_service.requests_log.schemas import ConfigIn, ConfigOut
from integration_service.sheets.exceptions import SHEETS_ERRORS, SheetsError, not_configured
from integration_service.sheets.router import error_response
from shared.app import SessionDep
from shared.errors import error_responses

router = APIRouter(prefix="/api/v1/sheets/requests-log", tags=["requests-log"])


@router.put("", response_model=ConfigOut, responses=SHEETS_ERRORS)
async def configure(body: ConfigIn, session: SessionDep, sheets: SheetsDep, tenant: CallTenantDep) -> object:
    """Set the log's spreadsheet; the spreadsheet must be shared and have the worksheet."""
    try:
        if sheets is None:
            raise not_configured()
        meta = await sheets.metadata(tenant, body.spreadsheet_id)
    except SheetsError as exc:
        return error_response(exc)
    if body.worksheet not in {w.title for w in meta.worksheets}:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            [{"loc": ["body", "worksheet"], "msg": f"no worksheet {body.worksheet!r}",
                              "type": "value_error"}])
    return ConfigOut.model_validate(await service.save_config(session, tenant, body))


@router.get("", response_model=ConfigOut, responses=error_responses(404))
async def show(session: SessionDep, tenant: CallTenantDep) -> ConfigOut:
    """The tenant's configuration with the number of requests logged; 404 when none."""
    row = await service.get_config(session, tenant)
    if row is None:
        raise _not_configured()
    count, last = await service.progress(session, tenant)
    return ConfigOut.model_validate(row).model_copy(update={"requests": count, "last_event_at": last})


@router.delete("", status_code=204, responses=error_responses(404))
async def remove(session: SessionDep, tenant: CallTenantDep) -> Response:
    """Stop logging this tenant's requests."""
    if not await service.delete_config(session, tenant):
        raise _not_configured()
    return Response(status_code=204)


def _not_configured() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, "no requests log configured for this tenant")
