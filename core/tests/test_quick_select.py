"""The filters' quick selects write the same markup as Django's own select templates."""

from __future__ import annotations

import re

import pytest
from django import forms

from core.forms import QUICK_WIDGETS, FilterForm


def normalized(html: str) -> str:
    return re.sub(r">\s+<", "><", html.replace("\n", "")).strip()


class Filters(FilterForm):
    level = forms.ChoiceField(choices=[("", "---------"), ("a", "县级 <领导> & 班子"), ("b", "基层")], required=False)
    grouped = forms.ChoiceField(choices=[("组一", [("x", "X")]), ("y", "Y")], required=False)
    immediate = forms.NullBooleanField(required=False)
    many = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二")], required=False)


@pytest.mark.parametrize("data", [{}, {"level": "a", "grouped": "x", "immediate": "true", "many": ["1", "2"]}])
def test_the_same_markup_as_the_templates(data):
    form = Filters(data)
    quick = {name: str(form[name]) for name in form.fields}
    for field in form.fields.values():
        for plain, fast in QUICK_WIDGETS.items():
            if type(field.widget) is fast:
                field.widget.__class__ = plain
    for name in form.fields:
        assert normalized(quick[name]) == normalized(str(form[name])), name
    assert "&lt;领导&gt; &amp;" in quick["level"]  # labels escaped
    if data:
        assert '<option value="a" selected>' in quick["level"]
