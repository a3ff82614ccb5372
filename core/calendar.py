"""Working days by China's official calendar, kept in Taizhang's own tables.

The ``chinese-calendar`` package seeds the tables (it knows years up to 2026); the admin
adds each new year when the State Council publishes it. A year with no data falls back
to Monday–Friday, and ``year_has_data`` lets pages say so instead of crashing.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache

from core.models import CalendarDay, CalendarDayKind, CalendarYear

CACHE_SECONDS = 300


def _year_data(year: int) -> tuple[bool, frozenset[datetime.date], frozenset[datetime.date]]:
    """(has data, holidays, adjusted workdays) of one year, cached across requests."""
    key = f"taizhang:calendar:{year}"
    data = cache.get(key)
    if data is None:
        has_data = CalendarYear.objects.filter(year=year).exists()
        days = CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
        holidays = frozenset(d for d, kind in days if kind == CalendarDayKind.HOLIDAY)
        workdays = frozenset(d for d, kind in days if kind == CalendarDayKind.WORKDAY)
        data = (has_data, holidays, workdays)
        cache.set(key, data, CACHE_SECONDS)
    return data


def forget_year(year: int) -> None:
    """Drop a cached year after its days changed."""
    cache.delete(f"taizhang:calendar:{year}")


def year_has_data(year: int) -> bool:
    return _year_data(year)[0]


def is_working_day(day: datetime.date) -> bool:
    _has_data, holidays, workdays = _year_data(day.year)
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative if ``end`` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def years_without_data(*days: datetime.date) -> list[int]:
    """Years among ``days`` that fall back to plain weekends, for a note on the page."""
    return sorted({d.year for d in days if d is not None and not year_has_data(d.year)})
