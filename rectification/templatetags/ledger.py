"""The ledger list's rows, built in Python.

Fifty rows through the template language took ~15 ms of every list page (bench,
``docs/performance.md``): a dozen variable lookups, filters and translations per row.
``problem_rows`` writes the same markup (``tests/test_templatetags.py`` compares it with
the template it replaced) with the translations looked up once per page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.templatetags.taizhang import cn_date
from rectification.choices import ItemStatus, ProblemLevel
from supervision.templatetags.supervision import escalation_badge

register = template.Library()

_ROW = (
    '\n<tr>\n  {}\n  <td>{}</td>\n  <td><a href="{}">{}</a>{}</td>\n'
    '  <td class="d-none d-md-table-cell">{}</td>\n'
    '  <td class="d-none d-lg-table-cell">{}</td>\n'
    '  <td class="text-nowrap">{}</td>\n'
    '  <td class="d-none d-md-table-cell">{}/{}</td>\n'
    '  <td class="d-none d-sm-table-cell">{}</td>\n</tr>\n'
)
_CHECK = (
    '<td class="no-print"><input type="checkbox" class="form-check-input" name="problem" value="{}"'
    ' aria-label="{}"></td>'
)


@register.simple_tag
def problem_rows(rows: Any, can_bulk: bool) -> SafeString:
    """The table rows of a page of problems (with ``measure_count`` and
    ``measures_closed`` set, ``selectors.with_measure_counts``)."""
    at_once = format_html(' <span class="badge text-bg-info">{}</span>', gettext("At once"))
    # What ``get_level_display`` and ``get_status_display`` give, translated once a page
    # (each call rebuilt the choices: 1,000 of them were a third of the rows' time).
    levels = {value: escape(str(label)) for value, label in ProblemLevel.choices}
    statuses = {value: escape(str(label)) for value, label in ItemStatus.choices}
    dates: dict[Any, str] = {}
    html = []
    for problem in rows:
        title = escape(problem.title)
        if problem.deadline not in dates:
            dates[problem.deadline] = escape(cn_date(problem.deadline) or "—")
        # Django's ``escape`` is this same ``html.escape`` with a lazy-string check around it.
        html.append(
            _ROW.format(
                _CHECK.format(problem.pk, title) if can_bulk else "",
                escalation_badge(problem),
                escape(problem.get_absolute_url()),
                title,
                at_once if problem.immediate else "",
                escape(problem.org.name),
                levels.get(problem.level) or escape(problem.level),
                dates[problem.deadline],
                problem.measures_closed,
                problem.measure_count,
                statuses.get(problem.status) or escape(problem.status),
            )
        )
    return mark_safe("".join(html))  # every value above is escaped or already safe HTML
