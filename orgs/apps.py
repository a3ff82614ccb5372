from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Org tree and people")

    def ready(self) -> None:
        from orgs import statistics  # noqa: F401  (registers the org tree's figures)
