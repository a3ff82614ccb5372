from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("Research visits")

    def ready(self) -> None:
        from research import statistics  # noqa: F401  (registers the research figures)
        from research.panels import register_panels

        register_panels()
