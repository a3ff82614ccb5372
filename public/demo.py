"""The public progress page in the demo: the problems of the centralized governance drives
(集中整治) published by the supervisor through the real service."""

from __future__ import annotations

from core.demo import DemoContext
from public import services
from rectification.models import Problem

# A handful: enough to fill the page on a phone without burying the reader.
PUBLISHED = 6


def load(context: DemoContext) -> None:
    supervisor = context.people.get("supervisor", context.installer)
    problems = (
        Problem.objects.filter(special_rectification__name__contains="集中整治")
        .select_related("org", "special_rectification")
        .order_by("special_rectification__name", "id")
    )
    published = 0
    for problem in problems[:PUBLISHED]:
        services.publication_publish(
            item=problem,
            acting_user=supervisor,
            public_title=problem.title,
            summary=f"{problem.special_rectification.name}：{problem.org.name}负责整改。",
        )
        published += 1
    context.counts["publications"] += published
