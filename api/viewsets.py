"""The base every API viewset uses: reads through ``visible_to``, writes through services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets


class ScopedViewSetMixin:
    """Starts every queryset from ``Model.objects.visible_to(request.user)``.

    Subclasses name ``queryset_model`` and may refine with ``scope_queryset`` (and tell
    ``visible_to`` how the rows will be read with ``visible_options``); no viewset can
    read around the scope because ``get_queryset`` is defined only here.
    """

    queryset_model: Any = None

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def visible_options(self) -> dict[str, Any]:
        return {}

    def get_queryset(self) -> QuerySet:
        queryset = self.queryset_model.objects.visible_to(self.request.user, **self.visible_options())  # type: ignore[attr-defined]
        return self.scope_queryset(queryset)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
