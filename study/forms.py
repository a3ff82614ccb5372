"""Forms of the study pages: they check the shape of input; services decide."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from core.forms import BootstrapFormMixin, DateInput
from orgs.choices import MemberCategory
from orgs.forms import OrgCodeField
from orgs.models import Org, User


class ScopedFormMixin(BootstrapFormMixin):
    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.user = user
        if "campaign" in self.fields:  # type: ignore[attr-defined]
            self.fields["campaign"].queryset = Campaign.objects.visible_to(user).active()  # type: ignore[attr-defined]
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, OrgCodeField):
                field.queryset = Org.objects.visible_to(user)


def _usernames(text: str, user) -> list[User]:  # type: ignore[no-untyped-def]
    names = [name.strip() for name in text.replace("，", ",").replace(",", "\n").splitlines() if name.strip()]
    found = {person.username: person for person in User.objects.visible_to(user).filter(username__in=names)}
    missing = [name for name in names if name not in found]
    if missing:
        raise forms.ValidationError(_("No account has the user name “%(name)s”."), params={"name": missing[0]})
    return [found[name] for name in dict.fromkeys(names)]


class ClassForm(ScopedFormMixin, forms.Form):
    org = OrgCodeField(label=_("Run by (org code)"))
    name = forms.CharField(label=_("Class name"), max_length=150)
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    phases = forms.CharField(
        label=_("Phases, one per line: name, first day, last day"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: 第一期, 2026-11-23, 2026-11-25"),
    )
    members = forms.CharField(
        label=_("Members (user names, one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_phases(self) -> list[tuple[str, datetime.date, datetime.date]]:
        phases = []
        for number, line in enumerate(self.cleaned_data["phases"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("，", ",").split(",")]
            try:
                name, first, last = parts
                phases.append((name, datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)))
            except ValueError:
                raise forms.ValidationError(
                    _(
                        "Line %(line)s: write the name, the first day and the last day, "
                        "e.g. 第一期, 2026-11-23, 2026-11-25."
                    ),
                    params={"line": number},
                ) from None
        return phases

    def clean_members(self) -> list[User]:
        return _usernames(self.cleaned_data["members"], self.user)


class MembersForm(BootstrapFormMixin, forms.Form):
    members = forms.CharField(label=_("Members (user names, one per line)"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_members(self) -> list[User]:
        return _usernames(self.cleaned_data["members"], self.user)


class SessionForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    topic = forms.CharField(label=_("Topic"), max_length=200)
    reading = forms.CharField(label=_("What to read"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    place = forms.CharField(label=_("Place"), max_length=100, required=False)


class DispatchForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.CharField(widget=forms.HiddenInput())


class NotesForm(BootstrapFormMixin, forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(ScopedFormMixin, forms.Form):
    org = OrgCodeField(label=_("Covering (org code)"))
    category = forms.ChoiceField(label=_("Member category"), choices=MemberCategory.choices)
    name = forms.CharField(
        label=_("Plan name"), max_length=60, required=False, help_text=_("Empty: the report's name.")
    )
    steps = forms.CharField(
        label=_("Steps, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Empty: the report's checklist for the category (三个一, 四个一 …)."),
    )

    def clean_steps(self) -> list[str] | None:
        lines = [line.strip() for line in self.cleaned_data["steps"].splitlines() if line.strip()]
        return lines or None


class StepForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Step title"), max_length=100)


class RecordForm(BootstrapFormMixin, forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput())
    member = forms.IntegerField(widget=forms.HiddenInput())
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
