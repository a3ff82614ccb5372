"""Importing a year of the official calendar from a spreadsheet: every file format and
every way offices write a date; each bad cell is named and nothing changes; the working
days follow the import once it commits. Also ``cell_date`` on its own."""

from __future__ import annotations

import datetime

import pytest

from core import calendar
from core.errors import DomainError
from core.models import CalendarDay, CalendarDayKind, CalendarYear, Event
from core.services import calendar_import, item_events
from core.spreadsheets import CellLocation, cell_date
from core.testing.spreadsheets import csv_bytes, ods_bytes, xls_bytes, xlsx_bytes

D = datetime.date
HEADER = ["日期", "类型", "名称"]
SHEET = "2027年"
EXCEL_EPOCH = D(1899, 12, 30)

# 2027-01-01 is a Friday made a holiday; 2027-02-06 a Saturday made a working day.
NEW_YEAR, SATURDAY_WORKED, SPRING_FESTIVAL = D(2027, 1, 1), D(2027, 2, 6), D(2027, 2, 8)
EXPECTED = [
    (NEW_YEAR, CalendarDayKind.HOLIDAY, "元旦"),
    (SATURDAY_WORKED, CalendarDayKind.WORKDAY, "春节"),
    (SPRING_FESTIVAL, CalendarDayKind.HOLIDAY, "春节"),
]


def serial(day: datetime.date) -> int:
    """Excel's serial number of ``day``."""
    return (day - EXCEL_EPOCH).days


def rows_with(dates) -> list[list]:
    kinds_and_names = [("放假", "元旦"), ("调休上班", "春节"), ("放假", "春节")]
    return [[date, kind, name] for date, (kind, name) in zip(dates, kinds_and_names, strict=True)]


def days_of(year: int) -> list[tuple]:
    return list(CalendarDay.objects.filter(date__year=year).order_by("date").values_list("date", "kind", "name"))


def snapshot() -> tuple:
    return (
        CalendarDay.objects.count(),
        Event.objects.count(),
        sorted(CalendarYear.objects.values_list("year", "source")),
        days_of(2026),
    )


def run(rows, *, year=2027, build=xlsx_bytes, filename="calendar.xlsx", acting_user=None, **options):
    data = build([HEADER, *rows], **options) if build is not csv_bytes else build([HEADER, *rows], encoding="gbk")
    return calendar_import(year=year, data=data, filename=filename, acting_user=acting_user)


@pytest.fixture
def admin(people):
    return people.admin


class TestFormats:
    @pytest.mark.parametrize(
        "dates",
        [
            pytest.param([NEW_YEAR, SATURDAY_WORKED, SPRING_FESTIVAL], id="date-cells"),
            pytest.param([serial(NEW_YEAR), serial(SATURDAY_WORKED), serial(SPRING_FESTIVAL)], id="excel-serials"),
            pytest.param(["2027-01-01", "2027-02-06", "2027-02-08"], id="iso"),
            pytest.param(["2027/1/1", "2027/2/6", "2027/2/8"], id="slashes"),
            pytest.param(["2027.1.1", "2027.2.6", "2027.2.8"], id="dots"),
            pytest.param(["2027年1月1日", "2027年2月6日", "2027年2月8日"], id="chinese"),
            pytest.param(["20270101", "2027-2-6", " 2027年02月08日 "], id="mixed"),
        ],
    )
    def test_xlsx_with_every_way_of_writing_a_date(self, admin, dates):
        year = run(rows_with(dates), sheet=SHEET, acting_user=admin)
        assert (year.year, year.source) == (2027, CalendarYear.Source.IMPORT)
        assert days_of(2027) == EXPECTED

    def test_csv_in_gbk(self, admin):
        run(rows_with(["2027/1/1", "2027年2月6日", "2027-02-08"]), build=csv_bytes, filename="节假日.csv")
        assert days_of(2027) == EXPECTED

    def test_ods_with_serials_and_text(self, admin):
        dates = [serial(NEW_YEAR), "2027.2.6", "2027年2月8日"]
        run(rows_with(dates), build=ods_bytes, filename="节假日.ods", sheet=SHEET)
        assert days_of(2027) == EXPECTED

    def test_xls_with_date_cells(self, admin):
        run(rows_with([NEW_YEAR, SATURDAY_WORKED, SPRING_FESTIVAL]), build=xls_bytes, filename="节假日.xls")
        assert days_of(2027) == EXPECTED

    def test_a_title_row_and_other_kind_words(self, admin):
        rows = [[NEW_YEAR, "休息", "元旦"], [SATURDAY_WORKED, "补班", "春节"], [SPRING_FESTIVAL, "节假日", None]]
        run(rows, title_row="2027年部分节假日安排", acting_user=admin)
        assert days_of(2027) == [*EXPECTED[:2], (SPRING_FESTIVAL, CalendarDayKind.HOLIDAY, "")]

    def test_the_import_records_one_event(self, admin):
        before = Event.objects.count()
        year = run(rows_with([NEW_YEAR, SATURDAY_WORKED, SPRING_FESTIVAL]), acting_user=admin)
        assert Event.objects.count() == before + 1
        event = item_events(year).get()
        assert (event.action, event.actor, event.changes) == (
            "calendar_replaced",
            admin,
            {"days": 3, "source": CalendarYear.Source.IMPORT},
        )

    def test_a_second_import_replaces_the_year(self, admin):
        run(rows_with([NEW_YEAR, SATURDAY_WORKED, SPRING_FESTIVAL]), acting_user=admin)
        run([["2027-10-01", "放假", "国庆节"]], acting_user=admin)
        assert days_of(2027) == [(D(2027, 10, 1), CalendarDayKind.HOLIDAY, "国庆节")]
        assert CalendarYear.objects.filter(year=2027).count() == 1

    def test_replacing_a_seeded_year_leaves_the_others(self, admin):
        days_2025 = days_of(2025)
        run([["2026-10-01", "放假", "国庆节"]], year=2026, acting_user=admin)
        assert days_of(2026) == [(D(2026, 10, 1), CalendarDayKind.HOLIDAY, "国庆节")]
        assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.IMPORT
        assert days_of(2025) == days_2025


GOOD = [[NEW_YEAR, "放假", "元旦"], [SATURDAY_WORKED, "调休上班", "春节"]]


class TestRefusals:
    """Each bad cell is named by sheet, row, column and header; nothing changes."""

    @pytest.mark.parametrize(
        "bad_row, column, header",
        [
            pytest.param(["明年元旦", "放假", "元旦"], "A", "日期", id="not-a-date"),
            pytest.param(["2027-02-30", "放假", "元旦"], "A", "日期", id="no-such-day"),
            pytest.param([D(2028, 1, 1), "放假", "元旦"], "A", "日期", id="outside-the-year"),
            pytest.param(["2026-12-31", "放假", "元旦"], "A", "日期", id="the-year-before"),
            pytest.param([NEW_YEAR, "放假", "元旦"], "A", "日期", id="duplicate-date"),
            pytest.param([SPRING_FESTIVAL, "待定", "春节"], "B", "类型", id="unknown-kind"),
            pytest.param([SPRING_FESTIVAL, None, "春节"], "B", "类型", id="empty-kind"),
        ],
    )
    def test_a_bad_cell_is_named_and_nothing_changes(self, admin, bad_row, column, header):
        before = snapshot()
        with pytest.raises(DomainError) as caught:
            run([*GOOD, bad_row], sheet=SHEET, acting_user=admin)
        where = CellLocation(sheet=SHEET, row=len(GOOD) + 2, column_letter=column, header=header)
        assert str(where) in caught.value.message
        assert caught.value.field == "file"
        assert snapshot() == before
        assert not CalendarYear.objects.filter(year=2027).exists()

    def test_every_bad_cell_is_named_at_once(self, admin):
        rows = [*GOOD, ["garbage", "放假", None], [D(2027, 3, 1), "待定", None]]
        with pytest.raises(DomainError) as caught:
            run(rows, sheet=SHEET, acting_user=admin)
        for row, column, header in ((4, "A", "日期"), (5, "B", "类型")):
            assert str(CellLocation(sheet=SHEET, row=row, column_letter=column, header=header)) in caught.value.message

    def test_a_bad_file_for_a_seeded_year_leaves_it_whole(self, admin):
        before = snapshot()
        with pytest.raises(DomainError):
            run([["2026-10-01", "放假", "国庆节"], ["2026-10-02", "待定", "国庆节"]], year=2026, acting_user=admin)
        assert snapshot() == before
        assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.PACKAGE

    def test_a_missing_column_is_refused(self, admin):
        before = snapshot()
        with pytest.raises(DomainError):
            calendar_import(
                year=2027, data=xlsx_bytes([["日期", "名称"], [NEW_YEAR, "元旦"]]), filename="a.xlsx", acting_user=admin
            )
        assert snapshot() == before

    def test_a_file_without_days_is_refused(self, admin):
        before = snapshot()
        with pytest.raises(DomainError):
            run([], acting_user=admin)
        assert snapshot() == before

    def test_a_file_that_is_no_spreadsheet_is_refused(self, admin):
        before = snapshot()
        with pytest.raises(DomainError):
            calendar_import(year=2027, data=b"not a workbook at all", filename="a.xlsx", acting_user=admin)
        assert snapshot() == before


class TestWorkingDaysFollowTheImport:
    def test_the_cached_year_is_dropped_on_commit(self, admin, django_capture_on_commit_callbacks):
        # Before: no data for 2027, so Monday to Friday; the answer is now cached.
        assert not calendar.year_has_data(2027)
        assert calendar.is_working_day(NEW_YEAR)  # a Friday
        assert not calendar.is_working_day(SATURDAY_WORKED)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            run(rows_with([NEW_YEAR, SATURDAY_WORKED, SPRING_FESTIVAL]), acting_user=admin)
        assert callbacks
        assert calendar.year_has_data(2027)
        assert not calendar.is_working_day(NEW_YEAR)
        assert calendar.is_working_day(SATURDAY_WORKED)
        assert not calendar.is_working_day(SPRING_FESTIVAL)  # a Monday
        assert calendar.years_without_data(NEW_YEAR) == []

    def test_a_refused_import_queues_nothing(self, admin, django_capture_on_commit_callbacks):
        assert calendar.is_working_day(NEW_YEAR)
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError):
            run([*GOOD, [NEW_YEAR, "待定", None]], acting_user=admin)
        assert not callbacks
        assert calendar.is_working_day(NEW_YEAR)


class TestCellDate:
    @pytest.mark.parametrize(
        "value",
        [
            D(2027, 1, 1),
            datetime.datetime(2027, 1, 1, 0, 0),
            datetime.datetime(2027, 1, 1, 15, 30),
            serial(D(2027, 1, 1)),
            float(serial(D(2027, 1, 1))),
            serial(D(2027, 1, 1)) + 0.75,  # a date with a time of day
            "2027-01-01",
            "2027-1-1",
            "2027/1/1",
            "2027/01/01",
            "2027.1.1",
            "2027年1月1日",
            "2027年01月01日",
            "2027年1月1",
            "2027 年 1 月 1 日",
            "20270101",
            " 2027-01-01 ",
            "\u30002027/1/1\u3000",  # full-width spaces around
        ],
    )
    def test_reads_each_format(self, value):
        assert cell_date(value) == D(2027, 1, 1)

    def test_excel_serials_from_the_start_of_the_epoch(self):
        assert cell_date(1) == D(1899, 12, 31)
        assert cell_date(45658) == D(2025, 1, 1)

    @pytest.mark.parametrize(
        "value",
        [
            None,
            "",
            "   ",
            "明年元旦",
            "2027-02-30",
            "2027-13-01",
            "2027/1",
            "1/1/2027",
            "27-1-1",
            "2027-01-01 节后",
            "202701011",
            0,
            -5,
            3_000_000,
            True,
            False,
            datetime.time(8, 30),
        ],
    )
    def test_garbage_is_none(self, value):
        assert cell_date(value) is None
