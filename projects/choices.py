"""Levels, stages and statuses of key projects, key tasks and investment promotion."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectLevel(models.TextChoices):
    """Whose list of key projects a project is on."""

    PROVINCIAL = "provincial", _("Provincial key project")
    MUNICIPAL = "municipal", _("Municipal key project")
    DISTRICT = "district", _("District key project")


class ProjectStage(models.TextChoices):
    """Where a project stands; each stage keeps the date it was reached."""

    RESERVE = "reserve", _("In reserve")
    PIPELINE = "pipeline", _("Entered the pipeline")
    CONSTRUCTION = "construction", _("Under construction")
    OPERATION = "operation", _("Completed and in operation")


# The column on KeyProject that keeps the date of each stage.
STAGE_DATE_FIELDS = {
    ProjectStage.RESERVE: "reserve_date",
    ProjectStage.PIPELINE: "pipeline_date",
    ProjectStage.CONSTRUCTION: "construction_date",
    ProjectStage.OPERATION: "operation_date",
}


class WorkStatus(models.TextChoices):
    """Status of a key project or key task: worked on, closure asked with evidence, closed
    by the level above. Closed items stay listed."""

    UNDER_WAY = "under_way", _("Under way")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")


class PromotionKind(models.TextChoices):
    """One-to-one visits to companies (一对一招商拜访) and promotion events (招商推介活动)."""

    VISIT = "visit", _("One-to-one promotion visit")
    EVENT = "event", _("Promotion event")


class AmountUnit(models.TextChoices):
    """Units offices write amounts in; Taizhang stores 万元."""

    WAN = "wan", _("10,000 yuan (万元)")
    YI = "yi", _("100 million yuan (亿元)")
