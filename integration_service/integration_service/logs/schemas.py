"""Integration log rows as the API returns them."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.dataclasses import dataclass

from shared.http import CallRecord
from shared.schemas import TotalExact

Outcome = Literal["ok", "failed"]


@dataclass
class LogOut(CallRecord):
    """One outbound call: the call as its client recorded it, with the row's id, tenant and time."""

    id: int
    tenant_id: str
    created_at: datetime

    @classmethod
    def of(cls, row: Any) -> LogOut:
        """The API view of an `integration_logs` row."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


class LogPage(BaseModel):
    """A page of log rows, newest first."""

    items: list[LogOut]
    total: int
    total_exact: TotalExact
    limit: int
    offset: int
