"""Working days by China's official calendar, kept in Taizhang's own tables.

The ``chinese-calendar`` package seeds the tables (it knows years up to 2026); the admin
adds each new year when the State Council publishes it. A year with no data falls back
to Monday–Friday, and ``year_has_data`` lets pages say so instead of crashing.
"""

from __future__ import annotations

import datetime
import time

from django.core.cache import cache

from core.models import CalendarDay, CalendarDayKind, CalendarYear

CACHE_SECONDS = 300


# Each process also keeps the years it read for a few seconds: a page of 50 items asks
# for the same year hundreds of times (thresholds, working days), and each ask of the
# shared file cache is a file read (150 per ledger page, bench). A change of the calendar
# is seen at once here (``forget_year``) and within these seconds in other processes.
LOCAL_SECONDS = 5.0
_local: dict[int, tuple[float, tuple[bool, frozenset[datetime.date], frozenset[datetime.date]]]] = {}
_generation = 0


def _year_data(year: int) -> tuple[bool, frozenset[datetime.date], frozenset[datetime.date]]:
    """(has data, holidays, adjusted workdays) of one year, cached across requests."""
    now = time.monotonic()
    kept = _local.get(year)
    if kept is not None and now - kept[0] < LOCAL_SECONDS:
        return kept[1]
    key = f"taizhang:calendar:{year}"
    data = cache.get(key)
    if data is None:
        has_data = CalendarYear.objects.filter(year=year).exists()
        days = CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
        holidays = frozenset(d for d, kind in days if kind == CalendarDayKind.HOLIDAY)
        workdays = frozenset(d for d, kind in days if kind == CalendarDayKind.WORKDAY)
        data = (has_data, holidays, workdays)
        cache.set(key, data, CACHE_SECONDS)
    _local[year] = (now, data)
    return data


def forget_year(year: int) -> None:
    """Drop a cached year after its days changed."""
    global _generation
    _generation += 1
    _local.pop(year, None)
    cache.delete(f"taizhang:calendar:{year}")


def forget_all() -> None:
    """Drop this process's copies of every year (tests, after emptying the shared cache)."""
    global _generation
    _generation += 1
    _local.clear()


def generation() -> int:
    """Changes whenever this process forgets a year: a key for what is derived from the
    calendar and kept in process (``supervision.warnings.thresholds``)."""
    return _generation


def year_has_data(year: int) -> bool:
    return _year_data(year)[0]


def is_working_day(day: datetime.date) -> bool:
    return _is_working(day, _year_data(day.year))


def _is_working(day: datetime.date, data: tuple[bool, frozenset[datetime.date], frozenset[datetime.date]]) -> bool:
    _has_data, holidays, workdays = data
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


class _Years(dict):
    """The years one walk over the calendar reads, each fetched once (from the shared
    cache, or the tables), not once per day: a list page of 50 overdue items walked
    tens of thousands of days through the file cache (0.9 s, bench)."""

    def __missing__(self, year: int) -> tuple[bool, frozenset[datetime.date], frozenset[datetime.date]]:
        self[year] = data = _year_data(year)
        return data

    def is_working(self, day: datetime.date) -> bool:
        return _is_working(day, self[day.year])


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    years = _Years()
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if years.is_working(current):
            remaining -= 1
    return current


def working_days_back(end: datetime.date, count: int) -> datetime.date:
    """The latest day D with ``count`` working days in (D, end]."""
    years = _Years()
    day = end
    found = 0
    while found < count:
        if years.is_working(day):
            found += 1
        day -= datetime.timedelta(days=1)
    return day


def _weekdays(first: datetime.date, last: datetime.date) -> int:
    """Monday-to-Friday days from ``first`` to ``last``, both included."""
    weeks, rest = divmod((last - first).days + 1, 7)
    start = first.weekday()
    return weeks * 5 + sum(1 for offset in range(rest) if (start + offset) % 7 < 5)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative if ``end`` is earlier.

    Counted per year, not per day: the weekdays by arithmetic, then that year's
    holidays on weekdays taken off and its adjusted weekend workdays added."""
    if end < start:
        return -working_days_between(end, start)
    if end == start:
        return 0
    first, count = start + datetime.timedelta(days=1), 0
    for year in range(first.year, end.year + 1):
        low = max(first, datetime.date(year, 1, 1))
        high = min(end, datetime.date(year, 12, 31))
        _has_data, holidays, workdays = _year_data(year)
        count += _weekdays(low, high)
        count -= sum(1 for day in holidays if low <= day <= high and day.weekday() < 5 and day not in workdays)
        count += sum(1 for day in workdays if low <= day <= high and day.weekday() >= 5)
    return count


def years_without_data(*days: datetime.date) -> list[int]:
    """Years among ``days`` that fall back to plain weekends, for a note on the page."""
    return sorted({d.year for d in days if d is not None and not year_has_data(d.year)})
