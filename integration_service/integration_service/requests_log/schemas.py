"""The requests-log configuration API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, StrictBool, StringConstraints

from integration_service.sheets.schemas import SpreadsheetId
from shared.schemas import ApiModel

Worksheet = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ConfigIn(ApiModel):
    """Which spreadsheet and worksheet hold the tenant's log."""

    spreadsheet_id: SpreadsheetId
    worksheet: Worksheet
    is_active: StrictBool = True


class ConfigOut(ConfigIn):
    """The stored configuration, and how far the log has got."""

    model_config = ConfigDict(from_attributes=True)

    updated_at: datetime
    requests: int = 0
    last_event_at: datetime | None = None
