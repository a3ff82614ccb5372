from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("Research visits")

    def ready(self) -> None:
        from core.models import ACTION_LABELS
        from research import statistics  # noqa: F401  (registers the research figures)
        from research.panels import register_panels

        register_panels()
        # Labels of this app's own event actions in every timeline.
        ACTION_LABELS.setdefault("status_changed", _("Topic status changed in a selection round"))
        ACTION_LABELS.setdefault("assigned", _("Assigned to a leader"))
        ACTION_LABELS.setdefault("reported", _("Research report filed"))
        ACTION_LABELS.setdefault("logged", _("Visit logged"))
        ACTION_LABELS.setdefault("cancelled", _("Visit cancelled"))
        ACTION_LABELS.setdefault("finding_filed", _("Finding entered in the problem ledger"))
