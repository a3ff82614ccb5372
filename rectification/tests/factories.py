"""factory_boy factories of the ledger, for every app's tests.

They write rows straight to the database (no service, no event, no permission check):
use them to set a scene, and the services to test a change. Without arguments each
builds its own org and campaign; pass ``org=`` and ``campaign=`` from the shared ``tree``
fixture to place an item in it.
"""

from __future__ import annotations

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.testing.factories import CampaignFactory, UserFactory, org_create
from orgs.choices import OrgKind
from rectification.choices import ItemStatus, ListStatus, ProblemLevel
from rectification.models import (
    Domain,
    ExtensionRequest,
    Inspection,
    InspectionFinding,
    Measure,
    Problem,
    ProblemList,
    SpecialRectification,
)


def _in_a_month() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("campaign", "name")

    campaign = factory.SubFactory(CampaignFactory, org=factory.LazyFunction(lambda: org_create(kind=OrgKind.DISTRICT)))
    name = factory.Sequence(lambda n: f"领域{n}")
    order = factory.Sequence(lambda n: n)


class SpecialRectificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialRectification

    org = factory.LazyFunction(lambda: org_create(kind=OrgKind.DEPARTMENT))
    campaign = factory.SubFactory(CampaignFactory, org=factory.SelfAttribute("..org"))
    name = factory.Sequence(lambda n: f"专项整治{n}")
    level = ProblemLevel.DEPARTMENT
    domain = None


class ProblemFactory(factory.django.DjangoModelFactory):
    """A problem being rectified, due in a month; its original deadline is its deadline."""

    class Meta:
        model = Problem

    org = factory.LazyFunction(lambda: org_create(kind=OrgKind.COMMUNITY))
    campaign = factory.SubFactory(CampaignFactory, org=factory.SelfAttribute("..org"))
    title = factory.Sequence(lambda n: f"问题{n}：群众反映的困难未及时解决")
    level = ProblemLevel.GRASSROOTS
    status = ItemStatus.RECTIFYING
    found_date = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyFunction(_in_a_month)
    original_deadline = factory.SelfAttribute("deadline")


class MeasureFactory(factory.django.DjangoModelFactory):
    """A measure of a problem, owned by the problem's unit unless told otherwise."""

    class Meta:
        model = Measure

    problem = factory.SubFactory(ProblemFactory)
    org = factory.SelfAttribute("problem.org")
    campaign = factory.SelfAttribute("problem.campaign")
    title = factory.Sequence(lambda n: f"措施{n}：建立台账，逐项销号")
    status = ItemStatus.RECTIFYING
    deadline = factory.SelfAttribute("problem.deadline")
    original_deadline = factory.SelfAttribute("deadline")


class ProblemListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProblemList
        django_get_or_create = ("campaign", "org")

    org = factory.LazyFunction(lambda: org_create(kind=OrgKind.COMMUNITY))
    campaign = factory.SubFactory(CampaignFactory, org=factory.SelfAttribute("..org"))
    status = ListStatus.DRAFTING


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    """A pending request to move a problem's deadline a month later."""

    class Meta:
        model = ExtensionRequest

    problem = factory.SubFactory(ProblemFactory)
    measure = None
    previous_deadline = factory.SelfAttribute("problem.deadline")
    requested_deadline = factory.LazyAttribute(
        lambda o: (o.previous_deadline or timezone.localdate()) + datetime.timedelta(days=30)
    )
    reason = "需协调资金，申请延期"


class InspectionFactory(factory.django.DjangoModelFactory):
    """A planned inspection round; ``units=[...]`` sets the units it inspects."""

    class Meta:
        model = Inspection
        skip_postgeneration_save = True

    org = factory.LazyFunction(lambda: org_create(kind=OrgKind.DISTRICT))
    campaign = factory.SubFactory(CampaignFactory, org=factory.SelfAttribute("..org"))
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"第{n + 1}轮督查")
    start_date = factory.LazyFunction(timezone.localdate)
    inspector = factory.SubFactory(UserFactory)
    supervisor = factory.SubFactory(UserFactory)

    @factory.post_generation
    def units(self, create: bool, extracted, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if create and extracted:
            self.units.set(extracted)


class InspectionFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionFinding

    inspection = factory.SubFactory(InspectionFactory)
    org = factory.SelfAttribute("inspection.org")
    description = factory.Sequence(lambda n: f"发现{n}：整改台账不完整")


def evidence(name: str = "整改报告.pdf") -> SimpleUploadedFile:
    """A small real PDF, as a phone or scanner upload would send it."""
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )
