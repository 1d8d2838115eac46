"""Report answers: a page of request rows, and the figures per group of a summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

# The longest period one report covers: a year (a leap year's every day).
MAX_DAYS = 366
# Rows per page by default and at most (a month of a big company is some 20,000).
PAGE_ROWS, MAX_PAGE_ROWS = 1000, 5000
GroupBy = Literal["building", "category", "executor", "day"]


class ReportRow(BaseModel):
    """One request filed in the period, with its times measured in minutes from filing."""

    id: int = Field(description="the request's id, the cursor `after` of the next page")
    number: str
    created_at: datetime
    building_id: int
    building: str = Field(description="the building's address")
    apartment: str
    category: str
    urgency: str
    status: str
    executor_id: int | None
    executor: str | None = Field(description="the executor's name")
    reaction_minutes: float | None = Field(description="filing until it first left `new`")
    resolution_minutes: float | None = Field(description="filing until completed (once it is done)")
    sla_met: bool | None = Field(description="both clocks met; false once one was missed; null while "
                                             "unknown or for a request without clocks")
    rating: int | None
    returns: int = Field(description="how many times the resident returned the work")


class RowsPage(BaseModel):
    """Rows of the period in filing order; `next_after` is the `after` of the next page (null: the last)."""

    from_: date = Field(alias="from")
    to: date
    timezone: str
    rows: list[ReportRow]
    next_after: int | None

    model_config = {"populate_by_name": True}


class Clock(BaseModel):
    """How many requests had this clock judged, how many met it, and the share."""

    judged: int
    met: int
    share: float | None


class Clocks(BaseModel):
    """Both SLA clocks of a group (`core_service.sla.stats`)."""

    reaction: Clock
    resolution: Clock


class Figures(BaseModel):
    """The figures of a group of requests filed in the period."""

    filed: int
    closed: int = Field(description="completed or accepted")
    median_reaction_minutes: float | None
    median_resolution_minutes: float | None
    sla_judged: int = Field(description="requests whose SLA outcome is known")
    sla_met: int
    sla_share: float | None = Field(description="sla_met / sla_judged")
    sla: Clocks
    average_rating: float | None
    returns: int = Field(description="returns of the work, all told")


class Group(Figures):
    """One group: its key (building or executor id, category, local day) and a readable label."""

    key: str | None = Field(description="null: requests with no executor")
    label: str | None


class Summary(BaseModel):
    """The period's figures overall and per group."""

    from_: date = Field(alias="from")
    to: date
    timezone: str
    group_by: GroupBy
    total: Figures
    groups: list[Group]

    model_config = {"populate_by_name": True}
