from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from core.models import ACTION_LABELS

        ACTION_LABELS.setdefault("published", _("Published to the public"))
        ACTION_LABELS.setdefault("withdrawn", _("Withdrawn from the public page"))
