from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from orgs.models import Org, User
from supervision.choices import DecisionKind


class ReminderForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the owner"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class DispatchPrepareForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("Org holding the meeting"),
        queryset=Org.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date = forms.DateField(label=_("Meeting date"), widget=DateInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class DecisionForm(forms.Form):
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("The decision becomes"),
        choices=DecisionKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    text = forms.CharField(
        label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    org = forms.ModelChoiceField(
        label=_("Unit carrying it out"),
        queryset=Org.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    owner = forms.ModelChoiceField(
        label=_("Responsible person"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput(attrs={"class": "form-control"}))

    def __init__(self, *args: Any, orgs: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["owner"].queryset = people


class HoldForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
    )


class TaskActionForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(required=False)
    expected_status = forms.CharField(required=False)
