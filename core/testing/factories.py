"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import datetime
import itertools

import factory
from django.utils import timezone

from campaigns.models import Campaign, Channel
from orgs.choices import OrgKind
from orgs.models import Org, RoleGrant, User

_codes = itertools.count(1)


def org_create(
    *, parent: Org | None = None, name: str | None = None, kind: str = OrgKind.DEPARTMENT, code: str | None = None
) -> Org:
    """An org under ``parent`` (a root without one), straight through treebeard."""
    n = next(_codes)
    fields = {"name": name or f"单位{n}", "code": code or f"T{n:05d}", "kind": kind}
    if parent is None:
        return Org.objects.add_root(fields)
    return Org.objects.add_child(Org.objects.get(pk=parent.pk), fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"张{n}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    password = factory.django.Password("Taizhang@2026")


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = "clerk"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"主题教育{n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
    status = "active"


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"ch{n}")
    name = factory.Sequence(lambda n: f"渠道{n}")


def person_with_role(role: str, org: Org, *, username: str | None = None, **fields: object) -> User:
    """A person living at ``org`` who holds ``role`` there."""
    user = UserFactory(username=username or f"{role}_{org.code}".lower(), home_org=org, **fields)
    RoleGrant.objects.create(user=user, org=org, role=role)
    return user
