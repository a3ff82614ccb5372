"""Forms of the sign-in, password and two-step pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _


class PasswordChangeForm(DjangoPasswordChangeForm):
    """The old password and the new one twice. The password rules are checked by the
    service that changes it (``accounts.services.password_change``), once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()
        self.fields["new_password2"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self) -> dict[str, Any]:
        self.validate_passwords("new_password1", "new_password2")
        return forms.Form.clean(self)


class TokenForm(forms.Form):
    """The 6-digit code an authenticator app shows."""

    token = forms.CharField(
        label=_("Code from the app"),
        min_length=6,
        max_length=7,  # "123 456" as some apps show it
        strip=True,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )
