"""Forms of the wish pages: the public's (with a captcha) and the office's."""

from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

from core.citizens import is_mobile, mobile_clean
from core.forms import BootstrapFormMixin
from core.scoping import subtree_q
from orgs.models import Org, grant_paths
from wishes.choices import RATING_CHOICES
from wishes.models import ORG_CLAIMING_ROLES
from wishes.services import LOCAL_KINDS


def local_orgs() -> Any:
    """Communities and villages residents pick from (names are public)."""
    return Org.objects.filter(kind__in=[k for k in LOCAL_KINDS if k != "grid"], is_active=True).order_by("path")


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return obj.name


class MobileField(forms.CharField):
    """A mainland mobile number, cleaned of spaces, dashes and +86."""

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


class WishPostForm(BootstrapFormMixin, forms.Form):
    """What a resident fills in on the phone: what, for whom, where, how to reach them."""

    community = CommunityChoiceField(
        label=_("Community"), queryset=Org.objects.none(), empty_label=_("Pick your community")
    )
    title = forms.CharField(label=_("What is the wish?"), max_length=300)
    beneficiary = forms.CharField(
        label=_("For whom"), max_length=100, help_text=_("e.g. a widowed elderly neighbour, the children of a family")
    )
    description = forms.CharField(label=_("More details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    submitter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    submitter_phone = MobileField(label=_("Contact mobile"))
    submitter_email = forms.EmailField(label=_("E-mail (optional)"), required=False)

    def __init__(self, *args: Any, captcha: bool = True, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = local_orgs()
        if user is not None:
            orgs = orgs.filter(subtree_q(grant_paths(user), field="path"))
        self.fields["community"].queryset = orgs
        if captcha:
            self.fields["captcha"] = CaptchaField(label=_("Check: the answer to the sum"))
            self.fields["captcha"].widget.widgets[1].attrs.update({"class": "form-control", "inputmode": "numeric"})
        else:
            self.fields["submitter_phone"].required = False


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """One or more photos, straight from the phone's camera."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class FulfilForm(BootstrapFormMixin, forms.Form):
    photos = PhotosField(label=_("Photos of the wish fulfilled"), required=True)
    note = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    thanks = forms.CharField(
        label=_("A word of thanks (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, rating_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].required = rating_required
        self.fields["rating"].widget.attrs["class"] = "form-check-input"


class ReasonForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ProjectForm(BootstrapFormMixin, forms.Form):
    community = CommunityChoiceField(label=_("Community"), queryset=Org.objects.none())
    title = forms.CharField(label=_("Micro-project"), max_length=300)
    description = forms.CharField(label=_("What it involves"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("Budget (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = local_orgs().filter(subtree_q(grant_paths(user), field="path"))


class ProjectClaimForm(BootstrapFormMixin, forms.Form):
    claimant_org = CommunityChoiceField(label=_("Org taking it on"), queryset=Org.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        paths = grant_paths(user, ORG_CLAIMING_ROLES)
        self.fields["claimant_org"].queryset = Org.objects.filter(path__in=paths).order_by("path")


class QueryCodeForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Query code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
