"""Working days by the official calendar kept in Taizhang's tables: the seeded years, the
arithmetic around a holiday, a year without data, and replacing a year's calendar."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from core import calendar
from core.errors import DomainError
from core.models import CalendarDay, CalendarDayKind, CalendarYear, Event
from core.services import calendar_year_replace, item_events

D = datetime.date


@pytest.fixture(autouse=True)
def fresh_cache():
    """The calendar is cached across requests; a test must not see another's year."""
    cache.clear()
    calendar.forget_all()
    yield
    cache.clear()
    calendar.forget_all()


class TestSeededCalendar:
    def test_years_up_to_2026_come_from_the_package(self, db):
        years = list(CalendarYear.objects.values_list("year", "source"))
        assert years[-1] == (2026, CalendarYear.Source.PACKAGE)
        assert {source for _year, source in years} == {CalendarYear.Source.PACKAGE}
        assert not CalendarYear.objects.filter(year=2027).exists()

    def test_national_day_2026(self, db):
        """国庆节 2026: 10-01 (Thu) to 10-07 (Wed) off; 09-20 (Sun) and 10-10 (Sat) worked."""
        golden_week = [D(2026, 10, day) for day in range(1, 8)]
        assert all(not calendar.is_working_day(day) for day in golden_week)
        assert set(CalendarDay.objects.filter(date__in=golden_week).values_list("kind", "name")) == {
            (CalendarDayKind.HOLIDAY, "国庆节")
        }
        assert calendar.is_working_day(D(2026, 10, 8))  # Thursday after the holiday
        assert calendar.is_working_day(D(2026, 10, 9))
        assert D(2026, 10, 10).weekday() == 5 and calendar.is_working_day(D(2026, 10, 10))
        assert not calendar.is_working_day(D(2026, 10, 11))  # an ordinary Sunday
        assert D(2026, 9, 20).weekday() == 6 and calendar.is_working_day(D(2026, 9, 20))

    def test_an_ordinary_week(self, db):
        week = [D(2026, 11, 16) + datetime.timedelta(days=n) for n in range(7)]
        assert [calendar.is_working_day(day) for day in week] == [True] * 5 + [False] * 2

    def test_the_seeded_years_say_they_have_data(self, db):
        assert calendar.year_has_data(2026) and calendar.year_has_data(2004)
        assert calendar.years_without_data(D(2026, 1, 5), D(2010, 3, 3)) == []


class TestArithmetic:
    def test_five_working_days_after_the_eve_of_national_day(self, db):
        # After 09-30: 10-01..07 off, 10-08 (1), 10-09 (2), 10-10 Sat worked (3),
        # 10-11 Sun off, 10-12 (4), 10-13 (5).
        assert calendar.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)

    def test_one_working_day_after_the_eve_is_the_first_day_back(self, db):
        assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)

    def test_zero_days_is_the_start(self, db):
        assert calendar.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)

    def test_negative_days_are_refused(self, db):
        with pytest.raises(ValueError):
            calendar.add_working_days(D(2026, 10, 3), -1)

    def test_between_both_directions(self, db):
        assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 13)) == 5
        assert calendar.working_days_between(D(2026, 10, 13), D(2026, 9, 30)) == -5
        assert calendar.working_days_between(D(2026, 10, 13), D(2026, 10, 13)) == 0
        # The whole holiday counts nothing.
        assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 7)) == 0

    def test_between_agrees_with_add(self, db):
        start = D(2026, 9, 18)
        for days in range(0, 25):
            assert calendar.working_days_between(start, calendar.add_working_days(start, days)) == days

    def test_spring_festival_2026(self, db):
        # 02-14 Sat worked; 02-15..23 off; 02-24 Tue back.
        assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
        assert calendar.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)


class TestYearWithoutData:
    def test_2027_falls_back_to_weekends_without_crashing(self, db):
        assert not calendar.year_has_data(2027)
        assert calendar.is_working_day(D(2027, 1, 1))  # New Year's Day, unknown yet: a Friday
        assert not calendar.is_working_day(D(2027, 1, 2))
        assert calendar.add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 4)

    def test_across_the_year_end(self, db):
        # 12-31 Thu, 2027-01-01 Fri (no data: worked), 01-04 Mon, 01-05 Tue.
        assert calendar.working_days_between(D(2026, 12, 30), D(2027, 1, 5)) == 4

    def test_years_without_data_names_them_for_the_page(self, db):
        assert calendar.years_without_data(D(2026, 12, 1), D(2027, 3, 1), None, D(2028, 1, 3)) == [2027, 2028]


def _year_2027():
    return [
        (D(2027, 1, 1), CalendarDayKind.HOLIDAY, "元旦"),
        (D(2027, 1, 9), CalendarDayKind.WORKDAY, "春节"),  # a Saturday worked
    ]


class TestCalendarYearReplace:
    def test_a_new_year_takes_effect_on_commit(self, people, django_capture_on_commit_callbacks):
        assert calendar.is_working_day(D(2027, 1, 1)) and not calendar.is_working_day(D(2027, 1, 9))
        before = Event.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            year = calendar_year_replace(year=2027, days=_year_2027(), source="manual", acting_user=people.admin)
        assert not calendar.is_working_day(D(2027, 1, 1))
        assert calendar.is_working_day(D(2027, 1, 9))
        assert calendar.year_has_data(2027) and calendar.years_without_data(D(2027, 5, 5)) == []
        assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
        assert Event.objects.count() == before + 1
        event = item_events(year).get()
        assert (event.actor, event.action, event.changes) == (
            people.admin,
            "calendar_replaced",
            {"days": 2, "source": "manual"},
        )

    def test_the_cached_year_is_kept_until_the_change_commits(self, people, django_capture_on_commit_callbacks):
        assert calendar.is_working_day(D(2027, 1, 1))
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            calendar_year_replace(year=2027, days=_year_2027(), source="manual", acting_user=people.admin)
        assert calendar.is_working_day(D(2027, 1, 1))  # not committed yet
        for callback in callbacks:
            callback()
        assert not calendar.is_working_day(D(2027, 1, 1))

    def test_replacing_again_drops_the_old_days(self, people, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            calendar_year_replace(year=2027, days=_year_2027(), source="manual", acting_user=people.admin)
            calendar_year_replace(year=2027, days=[(D(2027, 1, 9), CalendarDayKind.WORKDAY, "春节")], source="import")
        assert calendar.is_working_day(D(2027, 1, 1))
        assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [D(2027, 1, 9)]
        assert CalendarYear.objects.get(year=2027).source == "import"

    def test_other_years_are_untouched(self, people, django_capture_on_commit_callbacks):
        seeded = CalendarDay.objects.filter(date__year=2026).count()
        with django_capture_on_commit_callbacks(execute=True):
            calendar_year_replace(year=2027, days=_year_2027(), source="manual", acting_user=people.admin)
        assert CalendarDay.objects.filter(date__year=2026).count() == seeded
        assert not calendar.is_working_day(D(2026, 10, 1))

    def test_a_date_outside_the_year_is_refused_and_nothing_is_written(self, people):
        days = [*_year_2027(), (D(2028, 1, 1), CalendarDayKind.HOLIDAY, "元旦")]
        counts = (Event.objects.count(), CalendarDay.objects.count(), CalendarYear.objects.count())
        with pytest.raises(DomainError, match="2028-01-01") as caught:
            calendar_year_replace(year=2027, days=days, source="manual", acting_user=people.admin)
        assert caught.value.field == "date"
        assert (Event.objects.count(), CalendarDay.objects.count(), CalendarYear.objects.count()) == counts
        assert not calendar.year_has_data(2027)


class TestCountingWithoutWalking:
    """``working_days_between`` counts per year (arithmetic plus that year's adjusted
    days); it must agree with asking ``is_working_day`` of every day in between."""

    @staticmethod
    def walked(start: datetime.date, end: datetime.date) -> int:
        days = range(1, (end - start).days + 1)
        return sum(1 for n in days if calendar.is_working_day(start + datetime.timedelta(days=n)))

    def test_agrees_with_the_day_by_day_walk(self, db):
        import random

        pick = random.Random(20261205)
        first = D(2019, 12, 20)
        for _ in range(300):
            start = first + datetime.timedelta(days=pick.randrange(0, 365 * 8))
            end = start + datetime.timedelta(days=pick.choice([0, 1, 2, 6, 7, 8, 30, 200, 400, 1200]))
            assert calendar.working_days_between(start, end) == self.walked(start, end), (start, end)
            assert calendar.working_days_between(end, start) == -self.walked(start, end)

    def test_a_span_over_national_day_and_into_a_year_without_data(self, db):
        # 2026-09-30 (Wed) to 2027-01-08 (Fri): 10-01..10-07 off, 10-10 (Sat) worked; 2027
        # has no data, so Monday to Friday.
        assert calendar.working_days_between(D(2026, 9, 30), D(2027, 1, 8)) == self.walked(
            D(2026, 9, 30), D(2027, 1, 8)
        )
        # After 09-30: the holiday week off, then Thu 10-08, Fri 10-09 and Sat 10-10 (worked).
        assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3

    def test_stepping_and_counting_agree(self, db):
        start = D(2026, 9, 25)
        for days in range(0, 40):
            later = calendar.add_working_days(start, days)
            assert calendar.working_days_between(start, later) == days
            assert calendar.working_days_back(later, days) <= later
            if days:
                assert calendar.working_days_between(calendar.working_days_back(later, days), later) == days
