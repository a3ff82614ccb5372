from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    CLOSED = "closed", _("Concluded")


# Feedback channels every new campaign starts with; each campaign edits its own list.
DEFAULT_CHANNELS = (
    ("petition", _("Letters and visits (信访)")),
    ("hotline", _("12345 hotline")),
    ("supervision", _("Supervision and inspection")),
    ("patrol", _("Inspection tour (巡察)")),
    ("audit", _("Audit")),
    ("opinion_box", _("Opinion box")),
    ("online", _("Online messages")),
    ("research", _("Found in research")),
    ("symposium", _("Symposium")),
)
