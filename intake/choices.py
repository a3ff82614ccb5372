"""Kinds, channels and statuses of the public's suggestions, with their meaning."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionKind(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")
    REQUEST = "request", _("Request for help")


class IntakeChannel(models.TextChoices):
    """Where a suggestion came in. The codes are those of the campaigns' default channels,
    so a suggestion turned into a problem keeps its channel in the ledger."""

    ONLINE = "online", _("Online (public page)")
    HOTLINE = "hotline", _("12345 hotline")
    PETITION = "petition", _("Letters and visits (信访)")
    OPINION_BOX = "opinion_box", _("Opinion box")
    SYMPOSIUM = "symposium", _("Symposium")
    RESEARCH = "research", _("Research visit")


class SuggestionStatus(models.TextChoices):
    RECEIVED = "received", _("Waiting for triage")
    ROUTED = "routed", _("Routed to its owner")
    PROBLEM = "problem", _("Turned into a ledger problem")
    ANSWERED = "answered", _("Answered")
    DUPLICATE = "duplicate", _("Duplicate of an earlier submission")
