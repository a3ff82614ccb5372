"""What Taizhang keeps about an account's security beside ``orgs.User``.

Kept in this app, one row per account, so the user model stays the people register it
is: whether the password was set by someone else and must be changed, when it last
changed, where the previous sign-ins came from, and the hashes of the last passwords.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountSecurity(models.Model):
    """The security state of one account (created on first need, so absent means
    "nothing to enforce": no forced change, no sign-in recorded yet)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="account_security",
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when someone else set the password: it must be changed at the next sign-in."),
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    last_login_address = models.CharField(_("last sign-in address"), max_length=64, blank=True)
    previous_login_at = models.DateTimeField(_("previous sign-in"), null=True, blank=True)
    previous_login_address = models.CharField(_("previous sign-in address"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("account security")
        verbose_name_plural = _("account security")

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    """One password an account has had, as its hash: a new password may not repeat any
    of the last ``PASSWORD_HISTORY_COUNT``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("former password")
        verbose_name_plural = _("former passwords")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
