"""Kinds of study records, with the meaning each carries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckInMethod(models.TextChoices):
    LINK = "link", _("Checked in with the link or QR code")
    CLERK = "clerk", _("Ticked by the clerk")


class DispatchKind(models.TextChoices):
    """The two messages a reading class sends every day (每日提醒、每日总结)."""

    REMINDER = "reminder", _("Daily reminder")
    SUMMARY = "summary", _("Daily summary")
