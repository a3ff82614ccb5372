"""What a supervisor publishes to the public (向群众公布进度): a reference to any tracked
item with a public title and summary. The public pages show only what is written here
plus the item's status, progress and last update, with personal data masked."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OrgScopedModel, OrgScopedQuerySet


class PublicationQuerySet(OrgScopedQuerySet):
    def live(self) -> PublicationQuerySet:
        """Publications shown to the public now (not withdrawn)."""
        return self.filter(withdrawn_at__isnull=True)


class Publication(OrgScopedModel):
    """One tracked item published on the public progress page, until withdrawn.

    ``org`` is the item's org (for the office's scoping). At most one live publication
    per item; a withdrawn one stays as history.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    public_title = models.CharField(_("public title"), max_length=200)
    summary = models.TextField(_("public summary"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="publication_one_live_per_item",
                violation_error_message=_("This item is already published."),
            ),
        ]
        indexes = [models.Index(fields=["withdrawn_at", "-published_at", "-id"], name="publication_live")]

    def __str__(self) -> str:
        return self.public_title

    def get_absolute_url(self) -> str:
        return reverse("public:progress_detail", args=[self.pk])
