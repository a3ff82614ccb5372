"""Demo bulletins of the demo district: last week's, issued, and this week's draft.

Both through the services, so their figures are those the statistics count from the
demo ledger, and their history has its events.
"""

from __future__ import annotations

import datetime

from bulletins.choices import BulletinKind
from bulletins.services import bulletin_draft, bulletin_issue, bulletin_update
from core.demo import DemoContext


def load(context: DemoContext) -> None:
    if context.root is None:
        return
    supervisor = context.people.get("supervisor", context.installer)
    last_sunday = context.today - datetime.timedelta(days=context.today.weekday() + 1)
    last_week = bulletin_draft(
        org=context.root, kind=BulletinKind.WEEK, as_of=last_sunday, campaign=context.campaign, acting_user=supervisor
    )
    bulletin_update(
        bulletin=last_week,
        acting_user=supervisor,
        requirements=last_week.requirements
        + "\n"
        + "各责任单位要把逾期问题列入本周调度会议题，逐条明确责任人和完成时限，下周通报时一并反馈。",
    )
    bulletin_issue(bulletin=last_week, acting_user=supervisor)
    bulletin_draft(
        org=context.root,
        kind=BulletinKind.WEEK,
        as_of=context.today,
        campaign=context.campaign,
        acting_user=supervisor,
    )
    context.counts["bulletins"] += 2
