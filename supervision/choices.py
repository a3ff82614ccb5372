"""Kinds and statuses of supervision (督办): warnings, reminders, dispatch, tasks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningLevel(models.TextChoices):
    """Where an item with a deadline stands on the escalation ladder (预警升级)."""

    NONE = "none", _("No warning")
    YELLOW = "yellow", _("Due soon (yellow)")
    RED = "red", _("Overdue (red)")
    LEADER = "leader", _("Overdue: leader above told")
    BULLETIN = "bulletin", _("Overdue: named in the bulletin")


class ReminderKind(models.TextChoices):
    AUTOMATIC = "automatic", _("Daily check")
    MANUAL = "manual", _("Sent by a supervisor")


class EscalationStep(models.TextChoices):
    """The steps of the ladder that are recorded once per item."""

    LEADER = "leader", _("Leader above told")
    BULLETIN = "bulletin", _("Named in the bulletin")


class DispatchStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    HELD = "held", _("Held")


class DecisionKind(models.TextChoices):
    MEASURE = "measure", _("New measure of the problem")
    TASK = "task", _("New dispatch task")
    NOTE = "note", _("Recorded only")


class TaskStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETION_REQUESTED = "completion_requested", _("Completion reported")
    DONE = "done", _("Done")
