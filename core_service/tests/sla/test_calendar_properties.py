"""Business-time arithmetic against an independent model: a walker that looks at every minute.

The walker asks the zone what the wall clock shows at each UTC minute and counts the minute when
that wall time is in a working interval of a working day (and outside every pause). Random
calendars, time zones with and without daylight saving (half-hour shifts and offsets too),
holidays, pauses and start times around the zones' clock changes must give the same due times and
the same elapsed time as `sla.calendar`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from core_service.sla.calendar import Calendar, Span, add, elapsed

MINUTE = timedelta(minutes=1)
# Zones (daylight saving by an hour or half an hour, offsets of :30 and :45, none) and the days
# each changes its clocks in 2027, where the arithmetic is most fragile.
ZONES: dict[str, list[date]] = {
    "America/New_York": [date(2027, 3, 14), date(2027, 11, 7)],
    "Europe/London": [date(2027, 3, 28), date(2027, 10, 31)],
    "Australia/Lord_Howe": [date(2027, 4, 4), date(2027, 10, 3)],
    "Pacific/Chatham": [date(2027, 4, 4), date(2027, 9, 26)],
    "America/Sao_Paulo": [date(2027, 2, 14)],
    "Asia/Kathmandu": [date(2027, 6, 16)],
    "Asia/Tashkent": [date(2027, 1, 1)],
    "UTC": [date(2027, 12, 31)],
}


@dataclass(frozen=True)
class Case:
    """A calendar, a start (a whole UTC minute) and pauses after it."""

    calendar: Calendar
    start: datetime
    pauses: list[Span]


def _minute_working(calendar: Calendar, instant: datetime) -> bool:
    wall = instant.astimezone(calendar.zone)
    if wall.date() in calendar.holidays:
        return False
    of_day = wall.hour * 60 + wall.minute
    return any(first <= of_day < last for first, last in calendar.hours.get(wall.weekday(), ()))


def _counted_minutes(case: Case, business_hours: bool) -> Iterator[tuple[datetime, bool]]:
    """Every minute from the start on, and whether it counts."""
    instant = case.start
    while True:
        paused = any(low <= instant < high for low, high in case.pauses)
        yield instant, not paused and (not business_hours or _minute_working(case.calendar, instant))
        instant += MINUTE


def walk_add(case: Case, minutes: int, business_hours: bool) -> datetime:
    """The end of the minute that makes `minutes` counted ones."""
    if minutes == 0:
        return case.start
    counted = 0
    for instant, counts in _counted_minutes(case, business_hours):
        counted += counts
        if counted == minutes:
            return instant + MINUTE
    raise AssertionError("unreachable")


def walk_elapsed(case: Case, end: datetime, business_hours: bool) -> timedelta:
    """Counted minutes from the start until `end`."""
    counted = 0
    for instant, counts in _counted_minutes(case, business_hours):
        if instant >= end:
            break
        counted += counts
    return counted * MINUTE


@st.composite
def day_hours(draw: st.DrawFn) -> list[tuple[int, int]]:
    """0 to 3 disjoint intervals of a day, in minutes (touching allowed), some across 02:00-03:00."""
    points = draw(st.lists(st.integers(0, 1440), max_size=6, unique=True).map(sorted))
    pairs = [(points[i], points[i + 1]) for i in range(0, len(points) - 1, 2)]
    return pairs


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A calendar with some working time each week, a start near a clock change, a few pauses."""
    name = draw(st.sampled_from(sorted(ZONES)))
    zone = ZoneInfo(name)
    hours = {day: draw(day_hours()) for day in range(7)}
    workday = draw(st.integers(0, 6))
    if not hours[workday]:
        hours[workday] = [(draw(st.integers(0, 1200)), 1440)]
    day = draw(st.sampled_from(ZONES[name]))
    base = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    start = base + draw(st.integers(-2 * 1440, 2 * 1440)) * MINUTE
    first_day = start.date()
    holidays = frozenset(draw(st.lists(st.integers(-1, 12).map(lambda n: first_day + timedelta(days=n)),
                                       max_size=4)))
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        begins = start + draw(st.integers(-600, 6 * 1440)) * MINUTE
        pauses.append((begins, begins + draw(st.integers(0, 3 * 1440)) * MINUTE))
    return Case(Calendar(zone, hours, holidays), start, pauses)


def _weekly_minutes(calendar: Calendar) -> int:
    return sum(last - first for day in calendar.hours.values() for first, last in day)


examples = settings(max_examples=150, deadline=None)


@examples
@given(cases(), st.data(), st.booleans())
def test_due_times_match_the_minute_walker(case: Case, data: st.DataObject, business_hours: bool) -> None:
    # At most two weeks' working time, so the walker's walk stays short.
    minutes = data.draw(st.integers(0, min(3000, 2 * _weekly_minutes(case.calendar))))
    due = add(case.calendar, case.start, minutes, business_hours, case.pauses)
    assert due == walk_add(case, minutes, business_hours)
    assert due.tzinfo == UTC
    assert elapsed(case.calendar, case.start, due, business_hours, case.pauses) == minutes * MINUTE


@examples
@given(cases(), st.integers(-60, 20 * 1440), st.booleans())
def test_elapsed_time_matches_the_minute_walker(case: Case, length: int, business_hours: bool) -> None:
    end = case.start + length * MINUTE
    expected = walk_elapsed(case, end, business_hours)
    assert elapsed(case.calendar, case.start, end, business_hours, case.pauses) == expected


@examples
@given(cases(), st.integers(0, 600), st.integers(1, 600))
def test_more_minutes_are_never_due_sooner(case: Case, minutes: int, more: int) -> None:
    sooner = add(case.calendar, case.start, minutes, True, case.pauses)
    later = add(case.calendar, case.start, minutes + more, True, case.pauses)
    assert sooner < later


@examples
@given(cases(), st.integers(1, 1500), st.integers(0, 1500), st.integers(0, 3 * 1440), st.booleans())
def test_a_pause_moves_the_due_time_by_the_counted_time_it_took(
    case: Case, minutes: int, after: int, length: int, business_hours: bool
) -> None:
    pause = (case.start + after * MINUTE, case.start + (after + length) * MINUTE)
    due = add(case.calendar, case.start, minutes, business_hours, [pause])
    # Without the pause, the time up to the due time counts the policy's minutes and the pause's.
    paused = elapsed(case.calendar, pause[0], min(pause[1], due), business_hours)
    assert elapsed(case.calendar, case.start, due, business_hours) == minutes * MINUTE + paused


def test_the_sampled_zones_change_their_clocks_where_the_starts_gather() -> None:
    lord_howe, new_york = ZoneInfo("Australia/Lord_Howe"), ZoneInfo("America/New_York")
    assert datetime(2027, 4, 4, 12, tzinfo=lord_howe).utcoffset() != datetime(
        2027, 4, 3, 12, tzinfo=lord_howe).utcoffset()
    assert datetime(2027, 3, 15, tzinfo=new_york).utcoffset() != datetime(
        2027, 3, 13, tzinfo=new_york).utcoffset()
