from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = _("Study and outreach")

    def ready(self) -> None:
        from study import statistics  # noqa: F401  (registers the study figures)
        from study.panels import register_panels

        register_panels()
