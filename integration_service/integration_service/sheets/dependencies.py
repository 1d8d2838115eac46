"""The Sheets adapter for route handlers; None when no service account is configured."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from integration_service.dependencies import ResourcesDep
from integration_service.sheets.service import Sheets


def get_sheets(resources: ResourcesDep) -> Sheets | None:
    """The adapter built on start-up, if any."""
    return resources.sheets


SheetsDep = Annotated[Sheets | None, Depends(get_sheets)]
