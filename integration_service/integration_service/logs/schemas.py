"""Integration log rows as the API returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

Outcome = Literal["ok", "failed"]


class LogOut(BaseModel):
    """One outbound call."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    tenant_id: str
    service: str
    method: str
    url: str
    status_code: int | None
    duration_ms: float
    error: str | None
    correlation_id: str | None
    attempt: int
    created_at: datetime


class LogPage(BaseModel):
    """A page of log rows, newest first."""

    items: list[LogOut]
    total: int
    limit: int
    offset: int
