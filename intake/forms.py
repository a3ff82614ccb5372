"""Forms of the suggestion pages: the public's (captcha), the clerk's entry, triage."""

from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from core.citizens import is_mobile, mobile_clean
from core.forms import BootstrapFormMixin, DateInput
from core.scoping import subtree_q
from intake.choices import IntakeChannel, SuggestionKind
from orgs.choices import OrgKind
from orgs.models import Org, grant_paths
from rectification.choices import ProblemLevel


def local_orgs() -> Any:
    return Org.objects.filter(kind__in=[OrgKind.COMMUNITY, OrgKind.VILLAGE], is_active=True).order_by("path")


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return obj.name


class MobileField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value and not is_mobile(value):
            raise forms.ValidationError(
                _("“%(value)s” is not a mobile number: write the 11 digits, e.g. 13812345678."),
                code="invalid_mobile",
                params={"value": value},
            )
        return mobile_clean(value)


class SuggestionPublicForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=SuggestionKind.choices, initial=SuggestionKind.SUGGESTION)
    community = OrgChoiceField(label=_("Community"), queryset=Org.objects.none(), empty_label=_("Pick your community"))
    content = forms.CharField(
        label=_("What would you like to tell us?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    submitter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    submitter_phone = MobileField(label=_("Contact mobile"))
    submitter_email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    captcha = CaptchaField(label=_("Check: the answer to the sum"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = local_orgs()
        self.fields["captcha"].widget.widgets[1].attrs.update({"class": "form-control", "inputmode": "numeric"})


class SuggestionStaffForm(BootstrapFormMixin, forms.Form):
    """A clerk enters what came by hotline, letter, visit, opinion box, symposium…"""

    channel = forms.ChoiceField(label=_("Channel"), choices=IntakeChannel.choices, initial=IntakeChannel.HOTLINE)
    kind = forms.ChoiceField(label=_("Kind"), choices=SuggestionKind.choices, initial=SuggestionKind.REQUEST)
    community = OrgChoiceField(label=_("Community"), queryset=Org.objects.none())
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    content = forms.CharField(label=_("Content"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    submitter_name = forms.CharField(label=_("Submitted by"), max_length=50, required=False)
    submitter_phone = MobileField(label=_("Contact mobile"), required=False)
    submitter_email = forms.EmailField(label=_("E-mail (optional)"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = local_orgs().filter(subtree_q(grant_paths(user), field="path"))


class RouteForm(BootstrapFormMixin, forms.Form):
    org = OrgChoiceField(label=_("Owner org"), queryset=Org.objects.none())
    comment = forms.CharField(label=_("Note for the owner"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, community: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        top = community.path[:4]
        self.fields["org"].queryset = (
            Org.objects.filter(path__gte=top, path__lt=top + "~", is_active=True)
            .exclude(kind=OrgKind.GRID)
            .order_by("path")
        )


class AnswerForm(BootstrapFormMixin, forms.Form):
    reply = forms.CharField(label=_("Reply to the submitter"), widget=forms.Textarea(attrs={"rows": 4}))


class DuplicateForm(BootstrapFormMixin, forms.Form):
    duplicate_of = forms.IntegerField(label=_("Earlier submission"), widget=forms.HiddenInput)


class ReasonForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ProblemForm(BootstrapFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    org = OrgChoiceField(label=_("Unit that rectifies"), queryset=Org.objects.none())
    level = forms.ChoiceField(label=_("Level"), choices=ProblemLevel.choices, initial=ProblemLevel.GRASSROOTS)
    title = forms.CharField(label=_("Problem"), max_length=300)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any, community: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user).active()
        self.fields["org"].queryset = (
            Org.objects.filter(subtree_q(grant_paths(user), field="path"), is_active=True)
            .exclude(kind=OrgKind.GRID)
            .order_by("path")
        )


class RateForm(BootstrapFormMixin, forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QueryCodeForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Query code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "The columns of the template: 渠道, 类型, 社区, 收到日期, 内容, 姓名, 电话; .xlsx, .xls, .ods or .csv."
        ),
    )
