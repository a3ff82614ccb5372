"""factory_boy factories of research work: rows straight to the database, to set a
scene; changes are tested through the services."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from core.testing.factories import CampaignFactory, UserFactory, org_create
from orgs.choices import OrgKind
from research.choices import VisitKind, VisitStatus
from research.models import Entity, ResearchTopic, Visit


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    org = factory.LazyFunction(lambda: org_create(kind=OrgKind.STREET))
    name = factory.Sequence(lambda n: f"安康测试企业{n}有限公司")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchTopic

    org = factory.LazyFunction(lambda: org_create(kind=OrgKind.DISTRICT))
    campaign = factory.SubFactory(CampaignFactory, org=factory.SelfAttribute("..org"))
    area = "工业经济"
    title = factory.Sequence(lambda n: f"调研课题{n}")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    org = factory.LazyFunction(lambda: org_create(kind=OrgKind.STREET))
    leader = factory.SubFactory(UserFactory)
    entity = factory.SubFactory(EntityFactory, org=factory.SelfAttribute("..org"))
    kind = VisitKind.ENTERPRISE_VISIT
    status = VisitStatus.PLANNED
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate() + datetime.timedelta(days=3)))
    ends_at = factory.LazyAttribute(lambda visit: visit.starts_at + datetime.timedelta(hours=2))
