"""Serializer fields every app's API shares."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from orgs.models import Org


class OrgCodeField(serializers.SlugRelatedField):
    """An org named by its code. A NUL character is refused here: PostgreSQL cannot even
    compare it, and the lookup would fail as a server error instead of a 400."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Org.objects.none())
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data: Any) -> Org:
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)
