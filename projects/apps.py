from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Key projects")

    def ready(self) -> None:
        from core.models import ACTION_LABELS
        from projects import panels, statistics  # noqa: F401  (register the figures and panels)
        from projects.views import EVENT_LABELS

        # This app's own event actions, labelled in every timeline (core's shared one too).
        for action, label in EVENT_LABELS.items():
            ACTION_LABELS.setdefault(action, label)
