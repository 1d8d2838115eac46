"""Shift API bodies and answers: templates, one shift, a range edit, hand-overs and coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from core_service.schemas import Page
from core_service.sla.schemas import Clock, IsoDate, Weekday, minutes_of
from core_service.users.schemas import Specialization
from shared.schemas import ApiModel, Id, IsoDatetime

ShiftStatus = Literal["planned", "started", "ended", "missed"]
# The longest range one generation or edit covers: a quarter.
MAX_DAYS = 92
# A template is generated this many days ahead when it is created.
FIRST_WEEKS = 4


# Schedules are kept for these years; beyond them a date is surely a typo (and near year 1 or 9999
# a local day's bounds do not fit in a datetime).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _utc(value: datetime) -> datetime:
    # A time without an offset is read as UTC, as every time this API answers is.
    value = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"a time in the years {FIRST_YEAR} to {LAST_YEAR} is expected")
    return value


def _within_years(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"a date in the years {FIRST_YEAR} to {LAST_YEAR} is expected")
    return value


# An instant in ISO 8601 from 2000 to 2099; without an offset it is UTC.
Instant = Annotated[IsoDatetime, AfterValidator(_utc)]
# A local calendar day `YYYY-MM-DD` from 2000 to 2099.
Day = Annotated[IsoDate, AfterValidator(_within_years)]


def _after_start(end: str, info: ValidationInfo) -> str:
    start = info.data.get("start")
    if start is not None and minutes_of(end) <= minutes_of(start):
        raise ValueError(f"the end {end} must be after the start {start} (split a night into two shifts)")
    return end


class Hours(ApiModel):
    """Local working hours of one day, `HH:MM` to `HH:MM` (`24:00` is midnight at its end)."""

    start: Clock
    end: Clock

    _ordered = field_validator("end")(_after_start)


class WeeklyTemplateIn(Hours):
    """The same hours on chosen weekdays (e.g. mon-fri 09:00-18:00)."""

    kind: Literal["weekly"]
    specialization: Specialization
    weekdays: list[Weekday] = Field(min_length=1, max_length=7)
    executor_ids: list[Id] | None = Field(default=None, min_length=1, max_length=500)

    @field_validator("weekdays")
    @classmethod
    def _once_each(cls, days: list[str]) -> list[str]:
        return list(dict.fromkeys(days))


class CycleTemplateIn(Hours):
    """`days_on` days worked then `days_off` days free, counted from `cycle_start`."""

    kind: Literal["cycle"]
    specialization: Specialization
    days_on: int = Field(ge=1, le=31)
    days_off: int = Field(ge=0, le=31)
    cycle_start: Day
    executor_ids: list[Id] | None = Field(default=None, min_length=1, max_length=500)


TemplateIn = Annotated[WeeklyTemplateIn | CycleTemplateIn, Field(discriminator="kind")]


class TemplateOut(BaseModel):
    """A stored template."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: Literal["weekly", "cycle"]
    specialization: str
    start: str
    end: str
    weekdays: list[str]
    days_on: int | None
    days_off: int | None
    cycle_start: date | None
    executor_ids: list[int] | None
    created_at: datetime


class DaysIn(ApiModel):
    """A range of local days, both ends included."""

    from_: Day = Field(alias="from")
    to: Day


class Skipped(BaseModel):
    """A shift a generation did not write, and why."""

    executor_id: int
    starts_at: datetime
    reason: str


class GeneratedOut(BaseModel):
    """What a generation wrote: how many shifts, and which it left out because they would overlap."""

    template: TemplateOut
    created: int
    skipped: list[Skipped]


class ShiftIn(ApiModel):
    """One shift a manager plans by hand."""

    executor_id: Id
    specialization: Specialization
    starts_at: Instant
    ends_at: Instant


class RangeEditIn(ApiModel):
    """A manager's edit of one executor's planned shifts on local days `from`..`to`: `remove` them, or
    `replace` them with one shift a day of `hours` for `specialization`."""

    executor_id: Id
    from_: Day = Field(alias="from")
    to: Day
    action: Literal["replace", "remove"]
    hours: Hours | None = None
    specialization: Specialization | None = None


class PersonOut(BaseModel):
    """Who holds or takes over a shift, with what the bot needs to write to them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    telegram_id: int
    language: str


class ShiftOut(BaseModel):
    """A shift; `missed` is a planned shift whose time passed without a start."""

    id: int
    template_id: int | None
    executor: PersonOut
    specialization: str
    starts_at: datetime
    ends_at: datetime
    status: ShiftStatus
    started_at: datetime | None
    ended_at: datetime | None
    handover_to: PersonOut | None
    handover_state: Literal["requested", "accepted"] | None


ShiftPage = Page[ShiftOut]


class RangeEditOut(BaseModel):
    """What a range edit did."""

    removed: int
    created: list[ShiftOut]


class HandoverIn(ApiModel):
    """The colleague to hand a shift to."""

    to_executor_id: Id


class Gap(BaseModel):
    """A stretch of the day with nobody planned."""

    starts_at: datetime
    ends_at: datetime


class SpecializationCoverage(BaseModel):
    """One specialization on one day: who is on now, who is late, and the uncovered stretches."""

    specialization: str
    on: list[ShiftOut]
    missing: list[ShiftOut]
    planned: list[ShiftOut]
    gaps: list[Gap]


class CoverageOut(BaseModel):
    """A local day's coverage of every specialization that has a template or a shift."""

    date: date
    timezone: str
    specializations: list[SpecializationCoverage]


class OnDuty(BaseModel):
    """An executor on shift at the moment asked, for routing."""

    shift_id: int
    executor: PersonOut
    specialization: str
    status: Literal["planned", "started"]
    starts_at: datetime
    ends_at: datetime
