"""The board's filters, as the query string carries them, turned into Core's list parameters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field, ValidationError, field_validator

from console.board.vocabulary import CATEGORIES, SLA_STATES, URGENCIES
from console.templating import TIME_ZONE

FIELDS = ("building_id", "category", "urgency", "executor_id", "sla", "overdue", "date_from", "date_to",
          "q", "closed")


class BoardFilters(BaseModel):
    """What the person narrowed the board to; anything unknown or malformed is left out."""

    building_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    category: str | None = None
    urgency: str | None = None
    executor_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    sla: str | None = None
    overdue: bool = False
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = Field(default=None, max_length=300)
    closed: bool = False

    @field_validator("category", "urgency", "sla")
    @classmethod
    def _known(cls, value: str | None, info: Any) -> str | None:
        known = {"category": CATEGORIES, "urgency": URGENCIES, "sla": SLA_STATES}[info.field_name]
        return value if value in known else None

    @field_validator("q")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        cleaned = (value or "").replace("\x00", "").strip()
        return cleaned or None

    @classmethod
    def of(cls, request: Request) -> BoardFilters:
        """The filters of the request's query string (each bad value dropped, not refused)."""
        raw = {name: request.query_params.get(name) or None for name in FIELDS}
        values = {name: value for name, value in raw.items() if value is not None}
        for name in list(values):
            try:
                cls.model_validate({name: values[name]})
            except ValidationError:
                del values[name]
        filters = cls.model_validate(values)
        filters.overdue = raw["overdue"] in ("1", "true", "on")
        filters.closed = raw["closed"] in ("1", "true", "on")
        return filters

    def core_params(self) -> dict[str, Any]:
        """Core's `GET /api/v1/requests` parameters (a period's days in the office's zone)."""
        params: dict[str, Any] = {}
        for name in ("building_id", "category", "urgency", "executor_id", "q", "sla"):
            value = getattr(self, name)
            if value is not None:
                params["sla_status" if name == "sla" else name] = value
        if self.overdue:
            params["overdue"] = "true"
        if self.date_from:
            params["created_from"] = datetime.combine(self.date_from, time(), TIME_ZONE).isoformat()
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time(), TIME_ZONE)
            params["created_to"] = (end - timedelta(microseconds=1)).isoformat()
        return params
