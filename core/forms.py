from django import forms
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


class FilterForm(BootstrapFormMixin, forms.Form):
    """The form class of every FilterSet: compact Bootstrap widgets above the list."""
