from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "wishes"
    verbose_name = _("Micro-wishes")

    def ready(self) -> None:
        from wishes import statistics  # noqa: F401  (registers the figures and the dashboard panel)
