from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Suggestions")

    def ready(self) -> None:
        from intake import statistics  # noqa: F401  (registers the figures and the dashboard panel)
