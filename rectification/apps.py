from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("Problems and rectification")

    def ready(self) -> None:
        from rectification import statistics  # noqa: F401  (registers the ledger's figures)
