"""The ledger's FilterSet: shared by the list page, the API and the Excel export."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Channel
from core.forms import FilterForm
from core.scoping import subtree_q
from orgs.models import Org
from rectification.choices import ItemStatus, ProblemLevel
from rectification.models import Domain, Problem


class ProblemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    campaign = django_filters.ModelChoiceFilter(label=_("Campaign"), queryset=Campaign.objects.none())
    level = django_filters.ChoiceFilter(label=_("Level"), choices=ProblemLevel.choices)
    channel = django_filters.ModelChoiceFilter(label=_("Channel"), queryset=Channel.objects.none())
    domain = django_filters.ModelChoiceFilter(label=_("Domain"), queryset=Domain.objects.none())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ItemStatus.choices)
    org = django_filters.CharFilter(label=_("Within org (code)"), method="filter_org")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    immediate = django_filters.BooleanFilter(label=_("Fixed at once"))
    special_rectification = django_filters.NumberFilter(label=_("Special rectification"))

    class Meta:
        model = Problem
        form = FilterForm
        fields = [
            "q",
            "campaign",
            "level",
            "channel",
            "domain",
            "status",
            "org",
            "overdue",
            "immediate",
            "special_rectification",
        ]

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.visible_to(user)
        self.filters["campaign"].queryset = campaigns
        self.filters["channel"].queryset = Channel.objects.filter(campaign__in=campaigns)
        self.filters["domain"].queryset = Domain.objects.filter(campaign__in=campaigns)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Chinese text search: substring match on title and description (no segmenter)."""
        return queryset.filter(Q(title__contains=value) | Q(description__contains=value))

    def filter_org(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        org = Org.objects.filter(code=value.strip()).first()
        return queryset.filter(subtree_q([org.path], field="org__path")) if org else queryset.none()

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = Q(deadline__lt=timezone.localdate()) & ~Q(status=ItemStatus.CLOSED)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
