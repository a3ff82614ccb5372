"""Statuses and kinds of the ledger (一台账两清单), with the meaning each carries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemLevel(models.TextChoices):
    LEADERSHIP = "leadership", _("County-level leadership")
    GRASSROOTS = "grassroots", _("Grassroots party organisation")
    DEPARTMENT = "department", _("Department or unit")


class ItemStatus(models.TextChoices):
    """Status of a problem or a measure. Closed items stay in the ledger (滚动销号)."""

    RECTIFYING = "rectifying", _("Being rectified")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")


class ClosureKind(models.TextChoices):
    """How a closed item ended. Rates count only ``RECTIFIED``, so no unit can inflate
    its rate by closing items it did not fix."""

    RECTIFIED = "rectified", _("Rectified")
    DUPLICATE = "duplicate", _("Duplicate of another problem")
    NOT_ACTIONABLE = "not_actionable", _("Not actionable")
    EXPLAINED = "explained", _("Explained, no fault found")


class ListStatus(models.TextChoices):
    """Where a unit's problem list stands in the review rounds (三上三下)."""

    DRAFTING = "drafting", _("Being drawn up")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")


class RoundDirection(models.TextChoices):
    UP = "up", _("Submitted up")
    DOWN = "down", _("Sent down")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DriveStatus(models.TextChoices):
    UNDER_WAY = "under_way", _("Under way")
    CONCLUDED = "concluded", _("Concluded")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    CONCLUDED = "concluded", _("Concluded")
