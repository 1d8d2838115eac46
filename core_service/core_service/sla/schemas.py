"""The SLA configuration as the API takes and answers it: calendar, pause statuses, policies."""

from __future__ import annotations

from datetime import date
from functools import cache
from itertools import pairwise
from typing import Annotated, Literal, get_args
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
)

from shared.schemas import ApiModel

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)
# Statuses in which a request waits on someone other than its executor, so its clock may stop.
PauseStatus = Literal["purchasing", "clarification"]
# A year: long enough for any policy, short enough that a due time is found quickly.
MAX_MINUTES = 525_600
MAX_INTERVALS = 12
MAX_HOLIDAYS = 1000
# A wall-clock time `HH:MM`; `24:00` is the end of the day.
CLOCK = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


def minutes_of(clock: str) -> int:
    """Minutes after midnight of a validated `HH:MM`."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(value: str) -> str:
    hours, colon, minutes = value.partition(":")
    valid = (colon and len(hours) == len(minutes) == 2 and hours.isascii() and hours.isdigit()
             and minutes.isascii() and minutes.isdigit() and int(minutes) < 60)
    if not valid or not 0 <= int(hours) * 60 + int(minutes) <= 24 * 60:
        raise ValueError(f"{value!r} is not a time HH:MM from 00:00 to 24:00")
    return value


def _ordered(interval: tuple[str, str]) -> tuple[str, str]:
    start, end = interval
    if minutes_of(start) >= minutes_of(end):
        raise ValueError(f"the start {start} must be before the end {end}")
    return interval


def _disjoint(intervals: list[tuple[str, str]]) -> list[tuple[str, str]]:
    ordered = sorted(intervals, key=lambda pair: minutes_of(pair[0]))
    for before, after in pairwise(ordered):
        if minutes_of(after[0]) < minutes_of(before[1]):
            raise ValueError(f"{before[0]}-{before[1]} overlaps {after[0]}-{after[1]}")
    return ordered


def _date_text(value: object) -> object:
    # Lax pydantic reads a number (or a string of digits) as a Unix timestamp.
    if isinstance(value, str) and not (len(value) == 10 and value[4] == value[7] == "-"):
        raise ValueError(f"{value!r} is not a date YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError("a date YYYY-MM-DD is expected")
    return value


Clock = Annotated[str, AfterValidator(_clock), Field(json_schema_extra={"pattern": CLOCK})]
# [start, end) of working time on one day.
Interval = Annotated[tuple[Clock, Clock], AfterValidator(_ordered)]
DayHours = Annotated[list[Interval], Field(max_length=MAX_INTERVALS), AfterValidator(_disjoint)]
Minutes = Annotated[int, Strict(), Field(ge=1, le=MAX_MINUTES)]
# A calendar date, `YYYY-MM-DD`.
IsoDate = Annotated[date, BeforeValidator(_date_text)]


class WorkingHours(ApiModel):
    """Working intervals per weekday; a day left out (or `[]`) has none."""

    model_config = ConfigDict(extra="forbid")

    mon: DayHours = Field(default_factory=list)
    tue: DayHours = Field(default_factory=list)
    wed: DayHours = Field(default_factory=list)
    thu: DayHours = Field(default_factory=list)
    fri: DayHours = Field(default_factory=list)
    sat: DayHours = Field(default_factory=list)
    sun: DayHours = Field(default_factory=list)

    def any(self) -> bool:
        """Whether any day has working time."""
        return any(getattr(self, day) for day in WEEKDAYS)


class Policy(ApiModel):
    """The times one urgency allows: to react (leave `new`) and to resolve (reach `completed`)."""

    model_config = ConfigDict(extra="forbid")

    reaction_minutes: Minutes
    resolution_minutes: Minutes
    # True: only the calendar's working minutes count; false: every minute does.
    business_hours: Annotated[bool, Strict()]


class Policies(ApiModel):
    """A policy for every urgency."""

    model_config = ConfigDict(extra="forbid")

    critical: Policy
    high: Policy
    normal: Policy
    low: Policy


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


class SlaConfig(ApiModel):
    """A tenant's SLA: its calendar, the statuses that stop the clock, a policy per urgency."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = Field(max_length=64, examples=["Asia/Tashkent"])
    working_hours: WorkingHours
    holidays: list[IsoDate] = Field(max_length=MAX_HOLIDAYS)
    pause_statuses: list[PauseStatus]
    policies: Policies

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in _zones():
            raise ValueError(f"unknown time zone {value!r}; an IANA name such as Asia/Tashkent")
        return value

    @field_validator("holidays")
    @classmethod
    def _distinct_days(cls, days: list[date]) -> list[date]:
        return sorted(set(days))

    @field_validator("pause_statuses")
    @classmethod
    def _distinct_statuses(cls, statuses: list[PauseStatus]) -> list[PauseStatus]:
        return sorted(set(statuses))

    @field_validator("policies")
    @classmethod
    def _working_time_to_count(cls, policies: Policies, info: ValidationInfo) -> Policies:
        hours = info.data.get("working_hours")  # absent when it was refused itself
        counting = [name for name in Policies.model_fields if getattr(policies, name).business_hours]
        if counting and isinstance(hours, WorkingHours) and not hours.any():
            raise ValueError(f"{', '.join(counting)} count business hours, but working_hours has none")
        return policies
