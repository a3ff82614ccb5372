"""Forms of the org tree and people pages; they validate shape, services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from orgs.choices import MemberCategory, OrgKind, Role
from orgs.models import Org


class OrgCodeField(forms.CharField):
    """An org picked by its code (a select of 50,000 orgs would not do), among the orgs
    the form's user sees: a code outside the scope reads exactly like one that does not
    exist, so the field tells nobody what lies beyond their reach."""

    queryset = Org.objects.none()

    def to_python(self, value):  # type: ignore[no-untyped-def]
        code = super().to_python(value).strip()
        if not code:
            return None
        org = self.queryset.filter(code=code).first()
        if org is None:
            raise forms.ValidationError(_("No org has the code “%(code)s”."), params={"code": code})
        return org


class ScopedOrgFieldsMixin:
    """Forms take the acting ``user``; their org-code fields accept only visible orgs."""

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        visible = Org.objects.visible_to(user)
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, OrgCodeField):
                field.queryset = visible


class OrgForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=30, required=False)
    code = forms.CharField(label=_("Code"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)


class OrgEditForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)


class OrgMoveForm(ScopedOrgFieldsMixin, BootstrapFormMixin, forms.Form):
    parent = OrgCodeField(label=_("New parent org (code)"))


class PersonForm(ScopedOrgFieldsMixin, BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    real_name = forms.CharField(label=_("Name"), max_length=50)
    home_org = OrgCodeField(label=_("Home org (code)"))
    mobile = forms.CharField(label=_("Mobile phone"), max_length=11, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    member_category = forms.ChoiceField(
        label=_("Member category"), choices=[("", "—"), *MemberCategory.choices], required=False
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty: the person cannot log in until an administrator sets a password."),
    )


class PersonEditForm(PersonForm):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        del self.fields["username"]
        del self.fields["password"]


class PasswordSetForm(BootstrapFormMixin, forms.Form):
    password = forms.CharField(label=_("New password"), min_length=8, widget=forms.PasswordInput)


class GrantForm(ScopedOrgFieldsMixin, BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    org = OrgCodeField(label=_("At org (code)"))


class ImportForm(BootstrapFormMixin, forms.Form):
    KIND_CHOICES = [("orgs", _("Org tree")), ("people", _("People"))]
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("File"), help_text=_(".xlsx, .xls, .ods or .csv (UTF-8 or GBK)"))
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False, initial=True)
