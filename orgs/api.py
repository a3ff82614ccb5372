"""REST endpoints of the org tree and people; reads scoped, writes through services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets

from api.fields import OrgCodeField
from api.viewsets import ScopedReadOnlyViewSet, ScopedViewSetMixin
from core import personal
from core.scoping import subtree_q
from orgs import selectors, services
from orgs.choices import PEOPLE_LISTING_ROLES
from orgs.filters import OrgFilterSet, PersonFilterSet
from orgs.models import Org, RoleGrant, User, grant_paths


class OrgSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = Org
        fields = ["id", "code", "name", "short_name", "kind", "depth", "parent", "is_active"]

    def get_parent(self, org: Org) -> str | None:
        """Code of the parent org, from the path (no query per row)."""
        parent_path = org.path[: -Org.steplen]
        return self.context.get("codes_by_path", {}).get(parent_path) if parent_path else None


class OrgViewSet(ScopedReadOnlyViewSet):
    queryset_model = Org
    serializer_class = OrgSerializer
    filterset_class = OrgFilterSet
    lookup_field = "code"

    def scope_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by("path")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        page = getattr(self, "_page_paths", None)
        context["codes_by_path"] = page or {}
        return context

    def paginate_queryset(self, queryset: QuerySet) -> Any:
        page = super().paginate_queryset(queryset)
        if page is not None:
            parents = {org.path[: -Org.steplen] for org in page if org.depth > 1}
            self._page_paths = dict(Org.objects.filter(path__in=parents).values_list("path", "code"))
        return page


class PersonSerializer(serializers.ModelSerializer):
    # Any org by code; the services refuse (403) one outside the caller's reach. A NUL in
    # the code is a 400, not a server error on PostgreSQL.
    home_org = OrgCodeField(queryset=Org.objects.all())

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "real_name",
            "mobile",
            "email",
            "position",
            "is_party_member",
            "member_category",
            "home_org",
        ]
        read_only_fields = ["id"]

    def to_representation(self, instance: User) -> dict[str, Any]:
        """A security administrator lists people to grant roles (name, org), not their
        contact data: phone and e-mail are masked for a caller who does not read them."""
        data = super().to_representation(instance)
        viewer = self.context["request"].user
        if not personal.sees_person(viewer, instance):
            data["mobile"] = personal.mask_phone(data["mobile"] or "")
            data["email"] = personal.mask_email(data["email"] or "")
        return data

    def create(self, validated_data: dict[str, Any]) -> User:
        return services.person_create(acting_user=self.context["request"].user, **validated_data)

    def update(self, instance: User, validated_data: dict[str, Any]) -> User:
        validated_data.pop("username", None)
        home_org = validated_data.pop("home_org", None)
        return services.person_update(
            person=instance, acting_user=self.context["request"].user, home_org=home_org, **validated_data
        )


class PersonViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People in the caller's subtrees. Creating and changing go through the services,
    which refuse orgs outside the caller's reach."""

    queryset_model = User
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet

    def get_queryset(self) -> QuerySet:
        # As the people pages list them (orgs.selectors.people_listed): those the caller
        # reads, and for a security administrator the people of its subtree.
        return selectors.people_listed(user=self.request.user).order_by("home_org__path", "id")


class RoleGrantSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "user", "org", "role", "created_at"]


class RoleGrantViewSet(ScopedReadOnlyViewSet):
    """Grants held at orgs where the caller may list people (as the org page shows them):
    not to party members nor to the audit administrator."""

    queryset_model = RoleGrant
    serializer_class = RoleGrantSerializer

    def get_queryset(self) -> QuerySet:
        paths = grant_paths(self.request.user, PEOPLE_LISTING_ROLES)
        visible = Org.objects.filter(subtree_q(paths, field="path"))
        return RoleGrant.objects.filter(org__in=visible).select_related("user", "org").order_by("org__path", "id")
