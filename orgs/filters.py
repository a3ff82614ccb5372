"""One FilterSet per list, shared by the page, the API and the Excel export."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import FilterForm
from core.scoping import subtree_q
from orgs.choices import MemberCategory, OrgKind
from orgs.models import Org, User


class OrgFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrgKind.choices)
    within = django_filters.CharFilter(label=_("Within org (code)"), method="filter_within")
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Org
        form = FilterForm
        fields = ["q", "kind", "within", "is_active"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__contains=value) | Q(code__contains=value))

    def filter_within(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        org = Org.objects.filter(code=value).first()
        return queryset.filter(subtree_q([org.path], field="path")) if org else queryset.none()


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    org = django_filters.CharFilter(label=_("Within org (code)"), method="filter_org")
    is_party_member = django_filters.BooleanFilter(label=_("Party member"))
    member_category = django_filters.ChoiceFilter(label=_("Member category"), choices=MemberCategory.choices)

    class Meta:
        model = User
        form = FilterForm
        fields = ["q", "org", "is_party_member", "member_category"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(real_name__contains=value) | Q(username__contains=value) | Q(mobile__contains=value))

    def filter_org(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        org = Org.objects.filter(code=value).first()
        return queryset.filter(subtree_q([org.path], field="home_org__path")) if org else queryset.none()
