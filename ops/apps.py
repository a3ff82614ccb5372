from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from ops import middleware  # noqa: F401  (connects the request-exception receiver)
        from ops.metrics import register_collector

        register_collector()
