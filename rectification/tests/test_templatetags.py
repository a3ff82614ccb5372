"""``problem_rows`` writes exactly the markup of the template it replaced."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.testing.factories import CampaignFactory
from rectification.choices import ItemStatus, ProblemLevel
from rectification.models import Problem
from rectification.selectors import with_measure_counts
from rectification.templatetags.ledger import problem_rows
from rectification.tests.factories import MeasureFactory, ProblemFactory

# The rows template before ``problem_rows`` (kept here as the reference).
TEMPLATE = """{% load i18n taizhang supervision %}{% for problem in page %}
<tr>
  {% if can_bulk %}<td class="no-print"><input type="checkbox" class="form-check-input" name="problem" value="{{ problem.pk }}" aria-label="{{ problem.title }}"></td>{% endif %}
  <td>{% escalation_badge problem %}</td>
  <td><a href="{{ problem.get_absolute_url }}">{{ problem.title }}</a>{% if problem.immediate %} <span class="badge text-bg-info">{% translate "At once" %}</span>{% endif %}</td>
  <td class="d-none d-md-table-cell">{{ problem.org.name }}</td>
  <td class="d-none d-lg-table-cell">{{ problem.get_level_display }}</td>
  <td class="text-nowrap">{{ problem.deadline|cn_date|default:"—" }}</td>
  <td class="d-none d-md-table-cell">{{ problem.measures_closed }}/{{ problem.measure_count }}</td>
  <td class="d-none d-sm-table-cell">{{ problem.get_status_display }}</td>
</tr>
{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("can_bulk", [True, False])
def test_problem_rows_write_the_markup_of_the_template(tree, language, can_bulk):
    campaign = CampaignFactory(org=tree.district)
    today = timezone.localdate()
    ProblemFactory(campaign=campaign, org=tree.community_a, title='路灯<b>不亮</b> & "夜间"', immediate=True)
    ProblemFactory(campaign=campaign, org=tree.community_b, deadline=None, level=ProblemLevel.LEADERSHIP)
    overdue = ProblemFactory(
        campaign=campaign,
        org=tree.street,
        deadline=today - datetime.timedelta(days=20),
        found_date=today - datetime.timedelta(days=40),
    )
    MeasureFactory(problem=overdue)
    ProblemFactory(
        campaign=campaign,
        org=tree.street,
        status=ItemStatus.CLOSURE_REQUESTED,
        deadline=today + datetime.timedelta(days=2),
    )
    rows = with_measure_counts(list(Problem.objects.select_related("org").order_by("pk")))
    with translation.override(language):
        expected = Template(TEMPLATE).render(Context({"page": rows, "can_bulk": can_bulk}))
        assert problem_rows(rows, can_bulk) == expected
    assert "&lt;b&gt;" in expected and "badge" in expected
