"""FilterSets shared by the list pages, the API and the Excel exports."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import FilterForm
from core.scoping import subtree_q
from orgs.models import Org
from projects.choices import ProjectLevel, ProjectStage, PromotionKind, WorkStatus
from projects.models import Deal, KeyProject, KeyTask, PromotionEvent


def _within_org(queryset: QuerySet, name: str, value: str) -> QuerySet:
    org = Org.objects.filter(code=value.strip()).first()
    return queryset.filter(subtree_q([org.path], field="org__path")) if org else queryset.none()


def _overdue(queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
    if value is None:
        return queryset
    overdue = Q(deadline__lt=timezone.localdate()) & ~Q(status=WorkStatus.CLOSED)
    return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=ProjectLevel.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=ProjectStage.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkStatus.choices)
    industry = django_filters.CharFilter(label=_("Industry"), lookup_expr="contains")
    org = django_filters.CharFilter(label=_("Within org (code)"), method=_within_org)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method=_overdue)

    class Meta:
        model = KeyProject
        form = FilterForm
        fields = ["q", "level", "stage", "status", "industry", "org", "overdue"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Substring of the name, the code or the location."""
        return queryset.filter(Q(title__contains=value) | Q(code__contains=value) | Q(location__contains=value))


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkStatus.choices)
    org = django_filters.CharFilter(label=_("Within org (code)"), method=_within_org)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method=_overdue)

    class Meta:
        model = KeyTask
        form = FilterForm
        fields = ["q", "year", "status", "org", "overdue"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__contains=value) | Q(description__contains=value))


class PromotionFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PromotionKind.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("Up to"), field_name="date", lookup_expr="lte")
    org = django_filters.CharFilter(label=_("Within org (code)"), method=_within_org)

    class Meta:
        model = PromotionEvent
        form = FilterForm
        fields = ["kind", "date_from", "date_to", "org"]


class DealFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    industry = django_filters.CharFilter(label=_("Industry"), lookup_expr="contains")
    signed_from = django_filters.DateFilter(label=_("Signed from"), field_name="signed_date", lookup_expr="gte")
    signed_to = django_filters.DateFilter(label=_("Signed up to"), field_name="signed_date", lookup_expr="lte")
    org = django_filters.CharFilter(label=_("Within org (code)"), method=_within_org)

    class Meta:
        model = Deal
        form = FilterForm
        fields = ["q", "industry", "signed_from", "signed_to", "org"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(company__contains=value) | Q(project_name__contains=value))
