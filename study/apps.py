from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = _("Study and outreach")

    def ready(self) -> None:
        from core.models import ACTION_LABELS
        from study import statistics  # noqa: F401  (registers the study figures)
        from study.panels import register_panels

        register_panels()
        # Labels of this app's own event actions in every timeline.
        ACTION_LABELS.setdefault("session_added", _("Study session added"))
        ACTION_LABELS.setdefault("checked_in", _("Member checked in"))
        ACTION_LABELS.setdefault("reminder_sent", _("Daily reminder sent"))
        ACTION_LABELS.setdefault("summary_sent", _("Daily summary sent"))
        ACTION_LABELS.setdefault("step_added", _("Checklist step added"))
        ACTION_LABELS.setdefault("step_changed", _("Checklist step changed"))
        ACTION_LABELS.setdefault("outreach_recorded", _("Outreach step recorded"))
