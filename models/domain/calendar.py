"""Business hours and quiet hours: the one place that decides when a clock runs
and when a message may wake someone up.

Non-urgent deadlines count only business time (a complaint at 17:30 on Friday is
not overdue on Saturday morning); urgent ones count every minute. Quiet hours
hold non-urgent messages until morning. All inputs and outputs are aware
datetimes; the arithmetic happens in the company's timezone.

Which days are worked: the configured week days, except China's public holidays,
plus the weekends worked in exchange (调休), both from the chinesecalendar package
(``business_hours.public_holidays: cn``, the default). The configuration's own
``holidays`` and ``extra_workdays`` override it, and cover a year the package does not
know yet (``unknown_years`` says which; start-up and ``check-config`` warn).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from models.domain.config import WEEKDAYS, BusinessHours, Config, QuietHours


@lru_cache(maxsize=1)
def _public_calendar() -> tuple[frozenset[date], frozenset[date], range]:
    """(public holidays, weekend days worked in exchange, the years the package knows)."""
    import chinese_calendar

    holidays = frozenset(chinese_calendar.holidays)
    workdays = frozenset(d for d in chinese_calendar.workdays if d.weekday() >= 5)
    years = {d.year for d in holidays}
    return holidays, workdays, range(min(years), max(years) + 1)


class BusinessCalendar:
    def __init__(self, hours: BusinessHours, quiet: QuietHours, tz: ZoneInfo):
        self.hours = hours
        self.quiet = quiet
        self.tz = tz
        self._days = {WEEKDAYS.index(d) for d in hours.days}
        self._holidays = set(hours.holidays)
        self._extra = set(hours.extra_workdays)
        self.public_years: range = range(0)
        self._windows: dict[date, tuple[datetime, datetime]] = {}
        if hours.public_holidays == "cn":
            public, swapped, self.public_years = _public_calendar()
            self._holidays |= public - self._extra
            self._extra |= swapped - set(hours.holidays)

    @classmethod
    def from_config(cls, config: Config) -> BusinessCalendar:
        return cls(config.business_hours, config.quiet_hours, config.tz)

    # -- business hours -------------------------------------------------------------
    def is_workday(self, day: date) -> bool:
        if day in self._extra:
            return True
        return day.weekday() in self._days and day not in self._holidays

    def is_holiday(self, day: date) -> bool:
        """A public holiday (or a closed day of the configuration)."""
        return day in self._holidays

    def unknown_years(self, today: date, ahead_days: int = 45) -> list[int]:
        """Years from ``today`` to ``ahead_days`` later whose public holidays nobody gave:
        the package does not know them and the configuration lists none in them."""
        if self.hours.public_holidays != "cn":
            return []
        listed = {d.year for d in (*self.hours.holidays, *self.hours.extra_workdays)}
        years = range(today.year, (today + timedelta(days=ahead_days)).year + 1)
        return [y for y in years if y not in self.public_years and y not in listed]

    def _window(self, day: date) -> tuple[datetime, datetime]:
        window = self._windows.get(day)
        if window is None:  # kept: the statistics ask for the same days thousands of times
            start = datetime.combine(day, self.hours.start, self.tz)
            end = datetime.combine(day, self.hours.end, self.tz)
            window = self._windows[day] = (start, end)
        return window

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        if not self.is_workday(local.date()):
            return False
        start, end = self._window(local.date())
        return start <= local < end

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when the office is open, else the next opening time."""
        local = at.astimezone(self.tz)
        day = local.date()
        for _ in range(400):
            if self.is_workday(day):
                start, end = self._window(day)
                if local < end:
                    return max(local, start)
            day += timedelta(days=1)
            local = datetime.combine(day, time(0), self.tz)
        raise ValueError("no working day within 400 days: check business_hours")

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when ``duration`` of business time has passed after ``start``."""
        local = start.astimezone(self.tz)
        if self.is_workday(local.date()):  # the common case: within one open window
            open_, close = self._window(local.date())
            if open_ <= local and local + duration <= close:
                return local + duration
        remaining = duration
        cursor = self.next_open(start)
        for _ in range(4000):
            _, end = self._window(cursor.date())
            available = end - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            cursor = self.next_open(end + timedelta(microseconds=1))
        raise ValueError("duration too long for the business calendar")

    def due(self, start: datetime, duration: timedelta, *, urgent: bool) -> datetime:
        """A deadline: wall-clock time for urgent matters, business time otherwise."""
        if urgent:
            return start + duration
        return self.add_business_time(start, duration)

    def business_between(self, start: datetime, end: datetime, *, urgent: bool) -> timedelta:
        """Time between two moments that the office was open (wall clock when urgent):
        the inverse of ``due``, for response times."""
        if urgent or end <= start:
            return max(timedelta(0), end - start)
        day = start.astimezone(self.tz).date()
        if day == end.astimezone(self.tz).date():  # the common case: the same day
            if not self.is_workday(day):
                return timedelta(0)
            open_, close = self._window(day)
            return max(timedelta(0), min(close, end) - max(open_, start))
        total = timedelta(0)
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            if self.is_workday(day):
                open_, close = self._window(day)
                lo, hi = max(open_, start), min(close, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    # -- quiet hours ----------------------------------------------------------------
    def is_quiet(self, at: datetime) -> bool:
        t = at.astimezone(self.tz).time()
        qs, qe = self.quiet.start, self.quiet.end
        if qs == qe:
            return False
        if qs < qe:
            return qs <= t < qe
        return t >= qs or t < qe

    def after_quiet(self, at: datetime, *, urgent: bool = False) -> datetime:
        """When a message created at ``at`` may be sent: at once if urgent or outside
        quiet hours, otherwise when quiet hours end."""
        if urgent or not self.is_quiet(at):
            return at
        local = at.astimezone(self.tz)
        end = datetime.combine(local.date(), self.quiet.end, self.tz)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.quiet.end, self.tz)
        return end
