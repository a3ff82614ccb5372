"""Forms of the bulletin pages: a new draft, and the edit of a draft's text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletins.choices import BulletinKind
from orgs.models import Org


class DraftForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of bulletin"),
        choices=BulletinKind.choices,
        initial=BulletinKind.WEEK,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    org = forms.CharField(label=_("Org code of the bulletin's scope"), max_length=50)
    as_of = forms.DateField(
        label=_("Figures as of"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    campaign = forms.ModelChoiceField(label=_("Campaign (optional)"), queryset=None, required=False)  # type: ignore[arg-type]

    def __init__(self, *args: Any, user: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]

    def clean_org(self) -> Org:
        code = self.cleaned_data["org"].strip()
        org = Org.objects.visible_to(self.user).filter(code=code).first()
        if org is None:
            raise forms.ValidationError(_("No org with code “%(code)s” is visible to you.") % {"code": code})
        return org


def _text(rows: int) -> dict[str, Any]:
    return {"rows": rows, "class": "form-control form-control-sm"}


class EditForm(forms.Form):
    title = forms.CharField(
        label=_("Bulletin title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    headline = forms.CharField(label=_("Overall progress"), widget=forms.Textarea(attrs=_text(8)), required=False)
    analysis = forms.CharField(label=_("Units compared"), widget=forms.Textarea(attrs=_text(6)), required=False)
    requirements = forms.CharField(
        label=_("Next steps required"), widget=forms.Textarea(attrs=_text(5)), required=False
    )
