"""Business-time arithmetic on examples a manager would check by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core_service.sla.calendar import Calendar, NoWorkingTime, add, elapsed

TASHKENT = ZoneInfo("Asia/Tashkent")
NEW_YORK = ZoneInfo("America/New_York")
OFFICE = {day: [(9 * 60, 18 * 60)] for day in range(5)}  # Monday to Friday, 09:00-18:00
FRIDAY_EVENING = datetime(2026, 12, 4, 17, 30, tzinfo=TASHKENT)


def local(instant: datetime, zone: ZoneInfo = TASHKENT) -> str:
    return instant.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")


def test_friday_evening_plus_an_hour_of_work_is_due_monday_morning() -> None:
    due = add(Calendar(TASHKENT, OFFICE), FRIDAY_EVENING, 60, business_hours=True)
    assert local(due) == "Mon 2026-12-07 09:30"
    assert due.tzinfo == UTC


def test_a_holiday_monday_moves_it_to_tuesday() -> None:
    calendar = Calendar(TASHKENT, OFFICE, frozenset({date(2026, 12, 7)}))
    assert local(add(calendar, FRIDAY_EVENING, 60, business_hours=True)) == "Tue 2026-12-08 09:30"


def test_every_minute_counts_without_business_hours() -> None:
    due = add(Calendar(TASHKENT, OFFICE), FRIDAY_EVENING, 60, business_hours=False)
    assert local(due) == "Fri 2026-12-04 18:30"


def test_a_request_filed_at_night_starts_counting_at_opening_time() -> None:
    night = datetime(2026, 12, 8, 2, 0, tzinfo=TASHKENT)
    assert local(add(Calendar(TASHKENT, OFFICE), night, 30, business_hours=True)) == "Tue 2026-12-08 09:30"


def test_work_ending_exactly_at_closing_time_is_due_then() -> None:
    four = datetime(2026, 12, 4, 17, 0, tzinfo=TASHKENT)
    assert local(add(Calendar(TASHKENT, OFFICE), four, 60, business_hours=True)) == "Fri 2026-12-04 18:00"


def test_a_pause_moves_the_due_time_by_the_working_time_it_took() -> None:
    calendar = Calendar(TASHKENT, OFFICE)
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=TASHKENT)
    # Paused from 11:00 to 20:00: seven working hours (11-18) are lost, the evening does not count.
    pause = (datetime(2026, 12, 7, 11, 0, tzinfo=TASHKENT), datetime(2026, 12, 7, 20, 0, tzinfo=TASHKENT))
    assert local(add(calendar, monday, 120, True)) == "Mon 2026-12-07 12:00"
    assert local(add(calendar, monday, 120, True, [pause])) == "Tue 2026-12-08 10:00"
    assert local(add(calendar, monday, 120, False, [pause])) == "Mon 2026-12-07 21:00"


def test_elapsed_working_time_skips_nights_weekends_and_pauses() -> None:
    calendar = Calendar(TASHKENT, OFFICE)
    monday_noon = datetime(2026, 12, 7, 12, 0, tzinfo=TASHKENT)
    assert elapsed(calendar, FRIDAY_EVENING, monday_noon, True) == timedelta(hours=3, minutes=30)
    assert elapsed(calendar, FRIDAY_EVENING, monday_noon, False) == timedelta(days=2, hours=18, minutes=30)
    pause = (datetime(2026, 12, 7, 9, 0, tzinfo=TASHKENT), datetime(2026, 12, 7, 10, 0, tzinfo=TASHKENT))
    assert elapsed(calendar, FRIDAY_EVENING, monday_noon, True, [pause]) == timedelta(hours=2, minutes=30)
    assert elapsed(calendar, monday_noon, FRIDAY_EVENING, True) == timedelta(0)


def test_clock_changes_count_real_time() -> None:
    always = Calendar(NEW_YORK, {day: [(0, 24 * 60)] for day in range(7)})
    spring = datetime(2027, 3, 14, tzinfo=NEW_YORK)  # 02:00 becomes 03:00
    autumn = datetime(2027, 11, 7, tzinfo=NEW_YORK)  # 02:00 becomes 01:00
    assert elapsed(always, spring, datetime(2027, 3, 15, tzinfo=NEW_YORK), True) == timedelta(hours=23)
    assert elapsed(always, autumn, datetime(2027, 11, 8, tzinfo=NEW_YORK), True) == timedelta(hours=25)
    office = Calendar(NEW_YORK, OFFICE)
    friday = datetime(2027, 3, 12, 17, 30, tzinfo=NEW_YORK)
    assert local(add(office, friday, 60, True), NEW_YORK) == "Mon 2027-03-15 09:30"


def test_a_calendar_without_working_time_has_no_due_time() -> None:
    with pytest.raises(NoWorkingTime):
        add(Calendar(TASHKENT, {}), FRIDAY_EVENING, 1, business_hours=True)
    month_later = FRIDAY_EVENING + timedelta(days=30)
    assert elapsed(Calendar(TASHKENT, {}), FRIDAY_EVENING, month_later, True) == timedelta(0)


def test_instants_without_a_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        add(Calendar(TASHKENT, OFFICE), datetime(2026, 12, 4, 17, 30), 60, business_hours=True)
