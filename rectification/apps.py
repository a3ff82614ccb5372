from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("Problems and rectification")

    def ready(self) -> None:
        from orgs.services import org_moved
        from rectification import statistics  # noqa: F401  (registers the ledger's figures)
        from rectification.services import org_paths_rewrite
        from rectification.tallies import clear_if_empty

        org_moved.connect(org_paths_rewrite, dispatch_uid="rectification.org_paths_rewrite")
        post_migrate.connect(clear_if_empty, sender=self, dispatch_uid="rectification.tallies_clear_if_empty")
