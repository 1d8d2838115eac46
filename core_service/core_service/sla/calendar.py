"""Business-time arithmetic on a tenant's calendar: due times and elapsed working time.

An instant is working time when the tenant's wall clock (its IANA zone) shows a time inside one of
the working intervals of a working weekday that is not a holiday. Daylight-saving changes are
handled exactly: the timeline is cut where the zone's UTC offset changes, and within each piece
wall time moves with real time, so a wall interval maps to real instants by subtracting the offset
(a repeated wall hour counts twice, a skipped one not at all).

Pauses are intervals during which the clock stops: their time (their working time, when counting
business hours) is not counted, which moves a due time later by exactly that much.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# A span of real time, [start, end), as UTC-aware datetimes.
Span = tuple[datetime, datetime]
# Working intervals of one day as minutes after local midnight, [start, end), end up to 1440.
DayMinutes = Sequence[tuple[int, int]]

# No zone changes its offset twice within this long, so a piece with equal offsets at both ends
# has that offset throughout.
_PIECE = timedelta(hours=6)
# The end of counted time when every minute counts (far, but not at datetime's own limit).
_FOREVER = datetime(9000, 1, 1, tzinfo=UTC)
# How far a search for working time looks before deciding the calendar has none.
_HORIZON = timedelta(days=3660)


class NoWorkingTime(ValueError):
    """The calendar has no working time where some was needed (every day empty, say)."""


@dataclass(frozen=True, slots=True)
class Calendar:
    """A tenant's working time: zone, intervals per weekday (0 = Monday), holidays."""

    zone: ZoneInfo
    hours: Mapping[int, DayMinutes]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def working_spans(self, start: datetime, until: datetime | None = None) -> Iterator[Span]:
        """Working spans from `start` on (up to `until` if given), in order and disjoint (adjacent
        ones may touch)."""
        start = _utc(start)
        low = start
        while low - start < _HORIZON:
            if until is not None and low >= until:
                return
            high = low + _PIECE
            for piece_start, piece_end, offset in self._pieces(low, high):
                yield from self._working_in(piece_start, piece_end, offset)
            low = high
        raise NoWorkingTime(f"no working time within {_HORIZON.days} days of {start.isoformat()}")

    def _offset(self, instant: datetime) -> timedelta:
        offset = instant.astimezone(self.zone).utcoffset()
        assert offset is not None  # a ZoneInfo always has one
        return offset

    def _pieces(self, low: datetime, high: datetime) -> Iterator[tuple[datetime, datetime, timedelta]]:
        """[low, high) cut where the zone's offset changes, each piece with its offset."""
        offset = self._offset(low)
        while self._offset(high) != offset:
            # Offsets change on whole seconds: search them for the first with another offset.
            before, after = math.floor(low.timestamp()), math.ceil(high.timestamp())
            while after - before > 1:
                middle = (before + after) // 2
                if self._offset(datetime.fromtimestamp(middle, UTC)) == offset:
                    before = middle
                else:
                    after = middle
            change = datetime.fromtimestamp(after, UTC)
            yield low, change, offset
            low, offset = change, self._offset(change)
        yield low, high, offset

    def _working_in(self, start: datetime, end: datetime, offset: timedelta) -> Iterator[Span]:
        """The working spans within [start, end), over which the zone's offset is `offset`."""
        local_start = (start + offset).replace(tzinfo=None)
        local_end = (end + offset).replace(tzinfo=None)
        day = local_start.date()
        while day <= local_end.date():
            if day not in self.holidays:
                midnight = datetime(day.year, day.month, day.day)
                for first, last in self.hours.get(day.weekday(), ()):
                    low = max(midnight + timedelta(minutes=first), local_start)
                    high = min(midnight + timedelta(minutes=last), local_end)
                    if low < high:
                        yield (low - offset).replace(tzinfo=UTC), (high - offset).replace(tzinfo=UTC)
            day += timedelta(days=1)


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("instants must carry a time zone")
    return instant.astimezone(UTC)


def _merged(pauses: Iterable[Span]) -> list[Span]:
    """Pauses in order, overlapping and touching ones joined, empty ones dropped."""
    joined: list[Span] = []
    for start, end in sorted((_utc(s), _utc(e)) for s, e in pauses):
        if end <= start:
            continue
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _without(spans: Iterator[Span], pauses: list[Span]) -> Iterator[Span]:
    """`spans` (in order) minus the merged `pauses`."""
    index = 0
    for start, end in spans:
        while index < len(pauses) and pauses[index][1] <= start:
            index += 1
        cursor, ahead = start, index
        while ahead < len(pauses) and pauses[ahead][0] < end:
            if pauses[ahead][0] > cursor:
                yield cursor, pauses[ahead][0]
            cursor = max(cursor, pauses[ahead][1])
            ahead += 1
        if cursor < end:
            yield cursor, end


def counted_spans(
    calendar: Calendar, start: datetime, business_hours: bool, pauses: Iterable[Span] = (),
    until: datetime | None = None,
) -> Iterator[Span]:
    """The spans of time that count from `start` on (up to about `until`): working time, or all
    time, outside pauses."""
    start = _utc(start)
    if business_hours:
        spans = calendar.working_spans(start, until)
    else:
        spans = iter([(start, _FOREVER if until is None else max(start, until))])
    return _without(spans, _merged(pauses))


def add(
    calendar: Calendar, start: datetime, minutes: float, business_hours: bool, pauses: Iterable[Span] = ()
) -> datetime:
    """The UTC instant by which `minutes` of counted time have passed since `start`."""
    remaining = timedelta(minutes=minutes)
    if remaining <= timedelta(0):
        return _utc(start)
    for low, high in counted_spans(calendar, start, business_hours, pauses):
        if high - low >= remaining:
            return low + remaining
        remaining -= high - low
    raise NoWorkingTime("counted time ran out")  # only when every minute up to _FOREVER is paused


def elapsed(
    calendar: Calendar, start: datetime, end: datetime, business_hours: bool, pauses: Iterable[Span] = ()
) -> timedelta:
    """The counted time between `start` and `end` (zero when `end` is not after `start`)."""
    end = _utc(end)
    total = timedelta(0)
    if end <= _utc(start):
        return total
    for low, high in counted_spans(calendar, start, business_hours, pauses, until=end):
        if low >= end:
            break
        total += min(high, end) - low
    return total
