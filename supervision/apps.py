from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from core.models import ACTION_LABELS
        from supervision import statistics

        statistics.register_all()
        # Labels of the actions supervision records on items, for every timeline.
        ACTION_LABELS.setdefault("reminded", _("Reminder sent"))
        ACTION_LABELS.setdefault("escalated", _("Escalated"))
        ACTION_LABELS.setdefault("dispatch_decided", _("Dispatch decision recorded"))
        ACTION_LABELS.setdefault("dispatch_held", _("Dispatch meeting held"))
