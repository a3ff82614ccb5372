"""Factories of the projects app's tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from core.testing.factories import UserFactory
from projects.choices import ProjectLevel, ProjectStage, PromotionKind, WorkStatus
from projects.models import Deal, InvestmentPlan, InvestmentReport, KeyProject, KeyTask, PromotionEvent, month_field


class KeyProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyProject

    title = factory.Sequence(lambda n: f"重点项目{n}")
    level = ProjectLevel.DISTRICT
    stage = ProjectStage.CONSTRUCTION
    construction_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    status = WorkStatus.UNDER_WAY
    total_investment = Decimal("50000")


class InvestmentPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentPlan

    project = factory.SubFactory(KeyProjectFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    amount = Decimal("10000")


class InvestmentReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentReport

    project = factory.SubFactory(KeyProjectFactory)
    org = factory.LazyAttribute(lambda report: report.project.org)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    month = 1
    amount = Decimal("1000")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        """The report, and its month on the project's year, as the services keep it."""
        report = super()._create(model_class, *args, **kwargs)
        plan, _created = InvestmentPlan.objects.get_or_create(
            project=report.project, year=report.year, defaults={"amount": 0}
        )
        InvestmentPlan.objects.filter(pk=plan.pk).update(**{month_field(report.month): report.amount})
        return report


class KeyTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyTask

    title = factory.Sequence(lambda n: f"重点工作{n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    status = WorkStatus.UNDER_WAY
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))


class PromotionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromotionEvent

    kind = PromotionKind.VISIT
    title = factory.Sequence(lambda n: f"招商拜访{n}")
    date = factory.LazyFunction(timezone.localdate)


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    company = factory.Sequence(lambda n: f"企业{n}有限公司")
    project_name = factory.Sequence(lambda n: f"签约项目{n}")
    amount = Decimal("20000")
    signed_date = factory.LazyFunction(timezone.localdate)
    manager = factory.SubFactory(UserFactory)
