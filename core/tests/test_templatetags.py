"""The ``taizhang`` template library: dates, numbers, masks and lights as offices write
them, in Chinese and in English, as filters and as used from a template."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from core.models import Light
from core.templatetags.taizhang import (
    cn_date,
    cn_datetime,
    cn_number,
    light_badge,
    mask_name,
    mask_phone,
    percent,
)


def render(source: str, **context) -> str:
    return Template("{% load taizhang %}" + source).render(Context(context))


class TestCnDate:
    def test_chinese(self):
        with translation.override("zh-hans"):
            assert cn_date(datetime.date(2026, 11, 23)) == "2026年11月23日"
            assert cn_date(datetime.date(2027, 1, 5)) == "2027年1月5日"

    def test_english(self):
        with translation.override("en"):
            assert cn_date(datetime.date(2026, 11, 23)) == "23 Nov 2026"

    def test_a_datetime_shows_its_date(self):
        with translation.override("zh-hans"):
            assert cn_date(datetime.datetime(2026, 11, 23, 9, 5)) == "2026年11月23日"

    @pytest.mark.parametrize("value", [None, ""])
    def test_no_date_is_empty(self, value):
        assert cn_date(value) == ""

    def test_from_a_template(self):
        with translation.override("zh-hans"):
            assert render("{{ day|cn_date }}", day=datetime.date(2026, 10, 1)) == "2026年10月1日"


class TestCnDatetime:
    def test_chinese_and_english(self):
        moment = datetime.datetime(2026, 11, 23, 9, 5)
        with translation.override("zh-hans"):
            assert cn_datetime(moment) == "2026年11月23日 09:05"
        with translation.override("en"):
            assert cn_datetime(moment) == "23 Nov 2026 09:05"
        assert cn_datetime(None) == ""


class TestCnNumber:
    @pytest.mark.parametrize(
        "value, expected",
        [
            (12000, "1.2万"),
            (10000, "1万"),
            (22000000000, "220亿"),
            (100000000, "1亿"),
            (123456789, "1.2亿"),
            (9999, "9999"),
            (0, "0"),
            (-15000, "-1.5万"),
            (2.5, "2.5"),
            (Decimal("12000"), "1.2万"),
            ("12000", "1.2万"),
            (None, ""),
            ("", ""),
        ],
    )
    def test_chinese(self, value, expected):
        with translation.override("zh-hans"):
            assert cn_number(value) == expected

    @pytest.mark.parametrize(
        "value, expected",
        [(12000, "12,000"), (22000000000, "22,000,000,000"), (9999, "9,999"), (2.5, "2.5"), (None, "")],
    )
    def test_english(self, value, expected):
        with translation.override("en"):
            assert cn_number(value) == expected

    def test_more_digits(self):
        with translation.override("zh-hans"):
            assert cn_number(12345, 2) == "1.23万"
            assert render("{{ n|cn_number:2 }}", n=12345) == "1.23万"


class TestPercent:
    @pytest.mark.parametrize(
        "value, digits, expected",
        [(0.97, 0, "97%"), (1, 0, "100%"), (0, 0, "0%"), (0.1234, 1, "12.3%"), (Decimal("0.5"), 0, "50%")],
    )
    def test_ratios(self, value, digits, expected):
        assert percent(value, digits) == expected

    def test_none_is_a_dash(self):
        assert percent(None) == "—"

    def test_from_a_template(self):
        assert render("{{ r|percent:1 }}", r=0.875) == "87.5%"


class TestMasks:
    @pytest.mark.parametrize(
        "value, expected",
        [("张三丰", "张**"), ("张三", "张*"), ("欧阳修文", "欧***"), ("张", "张*"), ("", ""), (None, "")],
    )
    def test_mask_name(self, value, expected):
        assert mask_name(value) == expected

    @pytest.mark.parametrize(
        "value, expected",
        [
            ("13812341234", "138****1234"),
            ("02988881234", "029****1234"),
            ("123456", "**3456"),
            ("1234", "****"),
            ("", ""),
            (None, ""),
        ],
    )
    def test_mask_phone(self, value, expected):
        assert mask_phone(value) == expected

    @pytest.mark.parametrize("value", ["8888123", "12345678"])
    def test_a_short_number_keeps_at_most_its_last_four_digits(self, value):
        masked = mask_phone(value)
        assert len(masked) == len(value) and masked[-4:] == value[-4:]
        assert set(masked[:-4]) == {"*"}

    def test_from_a_template(self):
        assert render("{{ name|mask_name }} {{ phone|mask_phone }}", name="张三丰", phone="13812341234") == (
            "张** 138****1234"
        )


class TestLightBadge:
    @pytest.mark.parametrize(
        "light, css",
        [
            (Light.GREEN, "text-bg-success"),
            (Light.YELLOW, "text-bg-warning"),
            (Light.RED, "text-bg-danger"),
            (Light.GREY, "text-bg-secondary"),
        ],
    )
    def test_each_light_has_its_colour_and_its_meaning(self, light, css):
        html = str(light_badge(light))
        assert html.startswith("<span") and f"badge rounded-pill {css}" in html
        assert f'title="{Light(light).label}"' in html

    def test_an_unknown_light_has_no_colour(self):
        html = str(light_badge("blue"))
        assert 'class="badge rounded-pill "' in html and "text-bg-" not in html

    def test_from_a_template_it_is_not_escaped(self):
        html = render("{% light_badge light %}", light="red")
        assert html.startswith('<span class="badge rounded-pill text-bg-danger"')

    def test_the_meaning_is_escaped(self, monkeypatch):
        """A translated label must not break the markup."""
        from core.templatetags import taizhang

        monkeypatch.setattr(taizhang, "_", lambda text: '"><script>')
        assert "<script>" not in str(light_badge("no-such-light"))


class TestQueryWith:
    def test_replaces_and_drops_parameters(self):
        request = RequestFactory().get("/orgs/people/", {"q": "王", "page": "2", "org": "AK"})
        html = Template("{% load taizhang %}{% query_with page=3 org='' %}").render(Context({"request": request}))
        assert html == "?q=%E7%8E%8B&amp;page=3"

    def test_an_empty_query(self):
        request = RequestFactory().get("/orgs/people/", {"page": "2"})
        html = Template("{% load taizhang %}{% query_with page=None %}").render(Context({"request": request}))
        assert html == "?"
