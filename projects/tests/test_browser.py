"""Through Chromium: a clerk uploads the monthly investment return as offices send it (in
亿元, under a title row); the leader opens the projects overview and sees the new
completion of the annual plan, and the dashboard (every registered panel for the
leader's scope) shows the same figure on the projects panel.

Assertions read element ids, data attributes and the database, never interface wording.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from core.testing.browser import log_in
from core.testing.spreadsheets import xlsx_bytes
from projects import services
from projects.choices import ProjectLevel
from projects.models import InvestmentReport
from projects.selectors import current_month
from projects.tests.factories import KeyProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_imports_the_return_and_the_leader_sees_the_completion(live_server, page, tree, people, tmp_path: Path):
    year, month = current_month(timezone.localdate())
    project = KeyProjectFactory(org=tree.community_a, title="富硒食品加工园", level=ProjectLevel.PROVINCIAL)
    services.investment_plan_set(project=project, year=year, amount=Decimal("5000"), acting_user=people.clerk_a)
    if month > 1:
        services.investment_report_add(project=project, year=year, month=1, amount="2000", acting_user=people.clerk_a)
    # The return in 亿元: 0.46亿元 = 4,600万元, so 2,000 + 4,600 = 6,600 of 5,000 = 132%.
    return_file = tmp_path / "投资月报.xlsx"
    return_file.write_bytes(
        xlsx_bytes(
            [
                ["项目名称", "年度计划投资（亿元）", "本月完成投资（亿元）"],
                ["富硒食品加工园", 0.5, 0.46 if month > 1 else 0.66],
            ],
            title_row="重点项目投资完成情况月报",
        )
    )

    log_in(page, live_server.url, "clerk_a")
    page.goto(f"{live_server.url}/projects/import/")
    page.fill("#id_year", str(year))
    page.fill("#id_month", str(month))
    page.set_input_files("#id_file", str(return_file))
    page.click("#import-submit")
    page.wait_for_url(f"{live_server.url}/projects/")
    assert InvestmentReport.objects.get(project=project, month=month).amount == Decimal("4600" if month > 1 else "6600")
    page.context.clear_cookies()  # the leader at another desk

    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/projects/")
    cell = page.locator("#completion-provincial")
    assert cell.get_attribute("data-completion") == "1.32"
    assert cell.inner_text().strip() == "132%"

    # The leader's dashboard (every registered panel for the leader's scope) shows it too.
    page.goto(f"{live_server.url}/dashboards/")
    card = page.locator('[data-panel="projects.key_projects"] [data-card="3"]')
    assert card.inner_text().strip() == "132%"
