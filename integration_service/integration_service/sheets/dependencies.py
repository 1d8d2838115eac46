"""The Sheets adapter for route handlers; None when no service account is configured."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from integration_service.sheets.service import Sheets


def get_sheets(request: Request) -> Sheets | None:
    """The adapter built on start-up, if any."""
    sheets: Sheets | None = getattr(request.app.state, "sheets", None)
    return sheets


SheetsDep = Annotated[Sheets | None, Depends(get_sheets)]
