"""The official holidays and adjusted workdays that ship with ``chinese-calendar``.

Read once to seed Taizhang's own calendar tables; later years are imported by the admin.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

# The package names holidays in English; offices read them in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_days() -> dict[int, list[tuple[datetime.date, str, str]]]:
    """Per year, (date, kind, Chinese name) of every holiday and adjusted workday."""
    from chinese_calendar import constants

    years: dict[int, list[tuple[datetime.date, str, str]]] = defaultdict(list)
    for day, name in constants.holidays.items():
        label = getattr(name, "value", name)
        years[day.year].append((day, "holiday", HOLIDAY_NAMES.get(label, label)))
    for day, name in constants.workdays.items():
        label = getattr(name, "value", name)
        years[day.year].append((day, "workday", HOLIDAY_NAMES.get(label, label)))
    return dict(years)


def seed(calendar_year_model, calendar_day_model) -> int:  # type: ignore[no-untyped-def]
    """Write the package's years that the tables lack; returns how many years were added.

    Takes the models as arguments so the data migration can pass its historical ones.
    """
    present = set(calendar_year_model.objects.values_list("year", flat=True))
    added = 0
    for year, days in sorted(package_days().items()):
        if year in present:
            continue
        calendar_day_model.objects.bulk_create(
            calendar_day_model(date=d, kind=kind, name=name) for d, kind, name in days
        )
        calendar_year_model.objects.create(year=year, source="package")
        added += 1
    return added
