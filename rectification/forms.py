"""Forms of the ledger pages: they check the shape of input; services decide."""

from __future__ import annotations

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
    def to_python(self, value):  # type: ignore[no-untyped-def]
        name = super().to_python(value).strip()
        if not name:
            return None
        user = User.objects.filter(username=name).first()
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
