"""Demo bulletins of the demo district: this week's weekly bulletin, issued, and this
month's monthly bulletin as a draft for a supervisor to finish.

Both are made through the services, so their figures are those the statistics count
from the demo ledger, and their history has its events. They are dated today, not last
week: the demo ledger's rows are entered on the day the demo is loaded, so a bulletin
as of last Sunday would count nothing.
"""

from __future__ import annotations

from bulletins.choices import BulletinKind
from bulletins.services import bulletin_draft, bulletin_issue, bulletin_update
from core.demo import DemoContext


def load(context: DemoContext) -> None:
    if context.root is None:
        return
    supervisor = context.people.get("supervisor", context.installer)
    weekly = bulletin_draft(
        org=context.root, kind=BulletinKind.WEEK, as_of=context.today, campaign=context.campaign, acting_user=supervisor
    )
    bulletin_update(
        bulletin=weekly,
        acting_user=supervisor,
        requirements=weekly.requirements
        + "\n"
        + "各责任单位要把逾期问题列入本周调度会议题，逐条明确责任人和完成时限，下周通报时一并反馈。",
    )
    bulletin_issue(bulletin=weekly, acting_user=supervisor)
    bulletin_draft(
        org=context.root,
        kind=BulletinKind.MONTH,
        as_of=context.today,
        campaign=context.campaign,
        acting_user=supervisor,
    )
    context.counts["bulletins"] += 2
