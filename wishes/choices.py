"""Statuses of micro-wishes and micro-projects (群众点单、党员上菜), with their meaning."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WishStatus(models.TextChoices):
    """Where a wish or a micro-project stands. A lapsed claim returns it to the wall."""

    POSTED = "posted", _("Waiting on the wall")
    CLAIMED = "claimed", _("Claimed, being fulfilled")
    FULFILLED = "fulfilled", _("Fulfilled, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the resident")
    WITHDRAWN = "withdrawn", _("Taken off the wall")


class WishSource(models.TextChoices):
    PUBLIC = "public", _("Posted by a resident online")
    STAFF = "staff", _("Entered by community staff")


RATING_CHOICES = [(5, "★★★★★"), (4, "★★★★"), (3, "★★★"), (2, "★★"), (1, "★")]
