from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """A browser date picker: ``<input type=date>`` only accepts ISO dates as its value,
    whatever the page's language would format them as."""

    input_type = "date"

    def __init__(self, attrs=None):  # type: ignore[no-untyped-def]
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class WorkingDayForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(attrs={"class": "form-control"}))
    days = forms.IntegerField(
        label=_("Working days"), min_value=0, max_value=366, widget=forms.NumberInput(attrs={"class": "form-control"})
    )


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A sheet with the columns 日期 (date), 类型 (放假 or 调休上班) and 名称 (name); .xlsx, .xls, .ods or .csv."
        ),
    )


def add_domain_error(form: forms.Form, error: Exception) -> None:
    """Show a service's refusal on the form, on its field when the form has one."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, getattr(error, "message", str(error)))


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class QuickSelectMixin:
    """A select written out here, the same markup as Django's templates give it, instead
    of one template include per option: the filters above a list are drawn on every page
    of it (a third of the ledger page's form rendering, bench)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        parts = []
        for group, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((option["value"], flatatt(option["attrs"]), option["label"]) for option in options),
            )
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, rendered) if group else rendered)
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), mark_safe("".join(parts))
        )


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickNullBooleanSelect(QuickSelectMixin, forms.NullBooleanSelect):
    pass


QUICK_WIDGETS: dict[type, type] = {forms.Select: QuickSelect, forms.NullBooleanSelect: QuickNullBooleanSelect}


class FilterForm(BootstrapFormMixin, forms.Form):
    """The form class of every FilterSet: compact Bootstrap widgets above the list, plain
    selects written out directly (``QuickSelectMixin``)."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            quick = QUICK_WIDGETS.get(type(field.widget))
            if quick is not None:
                # Same state, faster rendering: the widget keeps its choices and attrs.
                field.widget.__class__ = quick
