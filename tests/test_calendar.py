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
