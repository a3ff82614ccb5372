"""The audit log's FilterSet: shared by the log page and its Excel export, so the file
holds exactly the rows the page shows."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.labels import action_choices
from audit.models import AuditEntry, Category
from core.forms import FilterForm


def _day_start(day: datetime.date) -> datetime.datetime:
    # A bound on the indexed column, not ``created_at__date``: the (org_path, created_at)
    # index serves the range.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEntryFilterSet(django_filters.FilterSet):
    date_from = django_filters.DateFilter(label=_("From"), method="filter_date_from")
    date_to = django_filters.DateFilter(label=_("Up to"), method="filter_date_to")
    account = django_filters.CharFilter(label=_("Account"), field_name="actor_name", lookup_expr="icontains")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    action = django_filters.ChoiceFilter(label=_("Action"), choices=())
    address = django_filters.CharFilter(label=_("Client address"), field_name="address", lookup_expr="startswith")
    q = django_filters.CharFilter(label=_("Object or detail"), method="search")

    class Meta:
        model = AuditEntry
        form = FilterForm
        fields = ["date_from", "date_to", "account", "category", "action", "address", "q"]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Labels in the language of this request, so built per request.
        self.filters["action"].extra["choices"] = action_choices()

    def filter_date_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(object_repr__icontains=value)
            | Q(detail__icontains=value)
            | Q(object_id=value)
            | Q(object_type__icontains=value)
        )
