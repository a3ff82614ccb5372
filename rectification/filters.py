"""The ledger's FilterSet: shared by the list page, the API and the Excel export."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Channel
from core.forms import FilterForm
from orgs.models import Org
from rectification import search
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
    # What was added, closed and still open in a period (滚动销号, dynamic management).
    added_from = django_filters.DateFilter(label=_("Added from"), method="filter_added_from")
    added_to = django_filters.DateFilter(label=_("Added up to"), method="filter_added_to")
    closed_from = django_filters.DateFilter(label=_("Closed from"), method="filter_closed_from")
    closed_to = django_filters.DateFilter(label=_("Closed up to"), method="filter_closed_to")
    open_on = django_filters.DateFilter(label=_("Still open on"), method="filter_open_on")

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
            "added_from",
            "added_to",
            "closed_from",
            "closed_to",
            "open_on",
        ]

    def __init__(self, *args, user=None, scope=None, every_row: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        """``scope``: the org picked in the top bar, which the queryset is limited to;
        ``every_row``: every matching row will be read (counted, exported), not a page.
        Both tell the text search how to use its index (``rectification.search``)."""
        super().__init__(*args, **kwargs)
        self.user, self.scope, self.every_row = user, scope, every_row
        campaigns = Campaign.objects.visible_to(user)
        self.filters["campaign"].queryset = campaigns
        self.filters["channel"].queryset = Channel.objects.filter(campaign__in=campaigns)
        self.filters["domain"].queryset = Domain.objects.filter(campaign__in=campaigns)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Chinese text search: substring match on title and description, found through
        the index of character pairs (``rectification.search``)."""
        paths = search.scope_paths(self.user, self.scope)
        return search.matching(queryset, value, paths=paths, every_row=self.every_row)

    def filter_org(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        org = Org.objects.filter(code=value.strip()).first()
        return queryset.within(org) if org else queryset.none()

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        today = timezone.localdate()
        overdue = Q(deadline__lt=today) & ~Q(status=ItemStatus.CLOSED)
        if not value:
            return queryset.exclude(overdue)
        # "Not closed" is the condition of the partial index ``problem_open_sort``: the
        # ledger's page walks it in its order from the start (the overdue rows come first),
        # and the API's newest-first page walks the primary key. (Also saying
        # ``sort_deadline < today`` made SQLite sort every overdue row of a province for
        # the API: 357 ms, bench.)
        return queryset.filter(overdue)

    @staticmethod
    def _start(day: datetime.date) -> datetime.datetime:
        """The first instant of ``day`` in the office's time zone."""
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def filter_added_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__gte=self._start(value))

    def filter_added_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__lt=self._start(value + datetime.timedelta(days=1)))

    def filter_closed_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(closed_at__gte=self._start(value))

    def filter_closed_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(closed_at__lt=self._start(value + datetime.timedelta(days=1)))

    def filter_open_on(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        """Listed by the end of ``value`` and not closed by then (closed later counts as open)."""
        end = self._start(value + datetime.timedelta(days=1))
        return queryset.filter(created_at__lt=end).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
