"""Statuses and kinds of research work (调研), with the meaning each carries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TopicStatus(models.TextChoices):
    """Where a topic stands in the catalogue: 62 candidates narrowed to 18 assigned."""

    CANDIDATE = "candidate", _("Candidate topic")
    SHORTLISTED = "shortlisted", _("Shortlisted topic")
    SELECTED = "selected", _("Selected topic")
    ASSIGNED = "assigned", _("Assigned to a leader")
    REPORTED = "reported", _("Research report filed")


class EntityKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PLACE = "place", _("Place or unit")


class VisitKind(models.TextChoices):
    """What a visit was; the statistics count visits of each kind."""

    ENTERPRISE_VISIT = "enterprise_visit", _("Enterprise visit")
    SYMPOSIUM = "symposium", _("Symposium")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire survey")
    POLICY_BRIEFING = "policy_briefing", _("Policy briefing")
    TALK = "talk", _("Talk or interview")
    PETITION_RECEPTION = "petition_reception", _("Petition reception")
    OTHER = "other", _("Other research activity")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Visit planned")
    DONE = "done", _("Visit done")
    CANCELLED = "cancelled", _("Visit cancelled")


class ConflictKind(models.TextChoices):
    """Why a planned visit needs a second look (扎堆, 多头, 重复调研)."""

    CROWDING = "crowding", _("Another leader visits the same place within the window")
    DOUBLE_BOOKED = "double_booked", _("The leader is already booked at that time")
