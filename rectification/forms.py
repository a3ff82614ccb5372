"""Forms of the ledger pages: they check the shape of input; services decide."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Channel
from core.forms import BootstrapFormMixin, DateInput
from orgs.forms import OrgCodeField
from orgs.models import Org, User
from rectification.choices import ClosureKind, ProblemLevel
from rectification.models import Domain


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input (photos straight from a phone's camera)."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class UsernameField(forms.CharField):
    """A person by user name, among the people the form's user sees (so the field tells
    nobody which accounts exist elsewhere)."""

    queryset = User.objects.none()

    def to_python(self, value):  # type: ignore[no-untyped-def]
        name = super().to_python(value).strip()
        if not name:
            return None
        user = self.queryset.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(_("No account has the user name “%(name)s”."), params={"name": name})
        return user


class ProblemForm(BootstrapFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    org = OrgCodeField(label=_("Owner org (code)"))
    title = forms.CharField(label=_("Problem"), max_length=300)
    level = forms.ChoiceField(label=_("Level"), choices=ProblemLevel.choices)
    channel = forms.ModelChoiceField(label=_("Source channel"), queryset=Channel.objects.none(), required=False)
    domain = forms.ModelChoiceField(label=_("Domain"), queryset=Domain.objects.none(), required=False)
    owner = UsernameField(label=_("Responsible person (user name)"), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    found_date = forms.DateField(label=_("Found on"), required=False, widget=DateInput())
    immediate = forms.BooleanField(label=_("Fixed at once (立行立改)"), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    measures = forms.CharField(
        label=_("Measures, one per line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Each line becomes a measure owned by the same unit with the problem's deadline."),
    )

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user)
        self.fields["owner"].queryset = User.objects.visible_to(user)
        campaigns = Campaign.objects.visible_to(user).active()
        self.fields["campaign"].queryset = campaigns
        self.fields["channel"].queryset = Channel.objects.filter(campaign__in=campaigns, is_active=True)
        self.fields["domain"].queryset = Domain.objects.filter(campaign__in=campaigns, is_active=True)


class CommentForm(forms.Form):
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ClosureRequestForm(CommentForm):
    evidence = MultipleFileField(label=_("Evidence"), required=False)
    measure = forms.IntegerField(required=False)


class ApproveForm(CommentForm):
    closure_kind = forms.ChoiceField(choices=ClosureKind.choices, initial=ClosureKind.RECTIFIED)
    measure = forms.IntegerField(required=False)


class ProgressForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    percent = forms.IntegerField(min_value=0, max_value=100, required=False)
    evidence = MultipleFileField(label=_("Evidence"), required=False)
    measure = forms.IntegerField(required=False)


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField()
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    measure = forms.IntegerField(required=False)


class MeasureForm(forms.Form):
    title = forms.CharField(max_length=300)
    deadline = forms.DateField(required=False)
    owner = UsernameField(required=False)

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.visible_to(user)


class OrgCodesField(forms.CharField):
    """Several orgs by their codes, separated by commas, spaces or new lines."""

    queryset = Org.objects.none()

    def to_python(self, value):  # type: ignore[no-untyped-def]
        codes = [code for code in re.split(r"[\s,，、;；]+", super().to_python(value)) if code]
        found = {org.code: org for org in self.queryset.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(_("No org has the code “%(code)s”."), params={"code": "、".join(unknown)})
        return [found[code] for code in dict.fromkeys(codes)]


class SpecialRectificationForm(BootstrapFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    org = OrgCodeField(label=_("Leading department (code)"))
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=ProblemLevel.choices)
    domain = forms.ModelChoiceField(label=_("Domain"), queryset=Domain.objects.none(), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.visible_to(user).active()
        self.fields["campaign"].queryset = campaigns
        self.fields["org"].queryset = Org.objects.visible_to(user)
        self.fields["domain"].queryset = Domain.objects.filter(campaign__in=campaigns, is_active=True)


class InspectionForm(BootstrapFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    org = OrgCodeField(label=_("Run by org (code)"))
    number = forms.IntegerField(label=_("Round"), min_value=1)
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput(), required=False)
    inspector = UsernameField(label=_("Inspector (user name)"), required=False)
    supervisor = UsernameField(label=_("Supervisor (user name)"), required=False)
    units = OrgCodesField(label=_("Units inspected (codes)"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user).active()
        visible = Org.objects.visible_to(user)
        self.fields["org"].queryset = visible
        self.fields["units"].queryset = visible
        self.fields["inspector"].queryset = User.objects.visible_to(user)
        self.fields["supervisor"].queryset = User.objects.visible_to(user)


class FindingForm(BootstrapFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("Unit"), queryset=Org.objects.none())
    description = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))
    fed_back_on = forms.DateField(label=_("Fed back on"), widget=DateInput(), required=False)
    orders_reexamination = forms.BooleanField(label=_("Order the unit to re-examine its list"), required=False)

    def __init__(self, *args, inspection=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if inspection is not None:
            self.fields["org"].queryset = inspection.units.order_by("path")
