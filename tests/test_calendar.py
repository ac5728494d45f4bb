"""Business hours and quiet hours (company timezone: Asia/Shanghai, UTC+8)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from models.domain.calendar import BusinessCalendar
from models.domain.config import BusinessHours, QuietHours

SH = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


CAL = BusinessCalendar(BusinessHours(), QuietHours(), SH)


def test_friday_evening_complaint_is_not_due_on_saturday():
    # 4 business hours from Friday 17:00: 30 min on Friday, 3.5 h on Monday.
    due = CAL.due(local(2026, 11, 27, 17, 0), timedelta(hours=4), urgent=False)
    assert due == local(2026, 11, 30, 12, 0)
    # 17:30 on Friday is already closed: the clock starts on Monday at 08:30.
    assert CAL.due(local(2026, 11, 27, 17, 30), timedelta(minutes=30), urgent=False) == local(
        2026, 11, 30, 9, 0
    )


def test_urgent_clock_runs_around_the_clock():
    start = local(2026, 11, 28, 2, 0)  # Saturday night
    assert CAL.due(start, timedelta(minutes=15), urgent=True) == local(2026, 11, 28, 2, 15)


def test_24_business_hours_span_several_days():
    due = CAL.due(local(2026, 11, 23, 9, 0), timedelta(hours=24), urgent=False)
    # 9 h a day: Mon 8.5 h (09:00-17:30), Tue 9, Wed 6.5 → Wed 15:00
    assert due == local(2026, 11, 25, 15, 0)


def test_holidays_and_extra_workdays():
    cal = BusinessCalendar(
        BusinessHours(holidays=[date(2026, 11, 30)], extra_workdays=[date(2026, 11, 29)]),
        QuietHours(),
        SH,
    )
    assert cal.is_workday(date(2026, 11, 29))  # a Sunday worked
    assert not cal.is_workday(date(2026, 11, 30))  # a Monday off
    assert cal.next_open(local(2026, 11, 28, 12, 0)) == local(2026, 11, 29, 8, 30)


def test_quiet_hours_hold_until_morning_but_not_urgent():
    evening = local(2026, 11, 23, 22, 15)
    assert CAL.is_quiet(evening)
    assert CAL.after_quiet(evening) == local(2026, 11, 24, 8, 0)
    assert CAL.after_quiet(local(2026, 11, 24, 6, 0)) == local(2026, 11, 24, 8, 0)
    assert CAL.after_quiet(evening, urgent=True) == evening
    noon = local(2026, 11, 24, 12, 0)
    assert not CAL.is_quiet(noon) and CAL.after_quiet(noon) == noon


def test_2026_national_day_is_a_holiday_and_its_swapped_saturday_a_working_day():
    """From the chinesecalendar package: 1–7 October 2026 are closed (Thursday 1st
    included), Saturday 10 October is worked in exchange (调休)."""
    assert date(2026, 10, 10).weekday() == 5
    for day in range(1, 8):
        assert not CAL.is_workday(date(2026, 10, day)), day
        assert CAL.is_holiday(date(2026, 10, day))
    assert CAL.is_workday(date(2026, 10, 10))
    assert not CAL.is_workday(date(2026, 10, 11))  # the Sunday after stays a weekend
    # a repair reported on Wednesday 30 September at 17:00 runs on into Thursday 8 October
    due = CAL.due(local(2026, 9, 30, 17, 0), timedelta(hours=1), urgent=False)
    assert due == local(2026, 10, 8, 9, 0)
    # and the swapped Saturday counts business hours like any working day
    assert CAL.is_open(local(2026, 10, 10, 10, 0))


def test_the_configuration_overrides_the_public_calendar():
    hours = BusinessHours(holidays=[date(2026, 10, 10)], extra_workdays=[date(2026, 10, 8)])
    cal = BusinessCalendar(hours, QuietHours(), SH)
    assert not cal.is_workday(date(2026, 10, 10))  # the company does not work the 调休
    assert cal.is_workday(date(2026, 10, 8))  # and opens on a public holiday
    none = BusinessCalendar(BusinessHours(public_holidays="none"), QuietHours(), SH)
    assert none.is_workday(date(2026, 10, 1)) and not none.is_workday(date(2026, 10, 10))


def test_a_year_the_package_does_not_know_is_named():
    last = max(CAL.public_years)
    assert CAL.unknown_years(date(last, 6, 1)) == []
    assert CAL.unknown_years(date(last, 12, 1)) == [last + 1]  # within 45 days
    listed = BusinessHours(holidays=[date(last + 1, 1, 1)])
    assert BusinessCalendar(listed, QuietHours(), SH).unknown_years(date(last, 12, 1)) == []
    off = BusinessCalendar(BusinessHours(public_holidays="none"), QuietHours(), SH)
    assert off.unknown_years(date(last, 12, 1)) == []


def test_a_day_cannot_be_both_closed_and_worked():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="both as a holiday and as a working day"):
        BusinessHours(holidays=[date(2026, 10, 8)], extra_workdays=[date(2026, 10, 8)])
