from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Key projects")

    def ready(self) -> None:
        from projects import panels, statistics  # noqa: F401  (register the figures and panels)
