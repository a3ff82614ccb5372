"""The demo's campaign: the second round of the theme education campaign in Ankang
High-tech Zone, as the report describes it.

Why its real period and status "under way": the report's figures are dated in late 2023
(“截至” its writing), and the items later loaders add are the ones it counts, so the
campaign keeps the period it really had, 1 September 2023 to 31 January 2024. It is left
under way, not concluded, because the ledger outlives the formal period: problems are
closed one by one (滚动销号) and the office keeps supervising them, which is exactly what
a running system shows. Deadlines that must light up red and yellow are set by the later
loaders relative to ``context.today``, not to the campaign's end date.
"""

from __future__ import annotations

import datetime

from campaigns.services import campaign_create, campaign_transition
from core.demo import DemoContext

NAME = "学习贯彻习近平新时代中国特色社会主义思想主题教育（第二批）"
SHORT_NAME = "第二批主题教育"
START_DATE = datetime.date(2023, 9, 1)
END_DATE = datetime.date(2024, 1, 31)
DESCRIPTION = (
    "安康高新区以“实”为要、向深而行，将主题教育与重点工作紧密结合：分类施策抓好党员学习，"
    "“四下基层”开展调查研究，以“双微工程”和“群众最操心的十件事”破难行动回应群众急难愁盼，"
    "“三上三下”形成县级领导班子和基层党组织问题清单，动态管理、滚动销号，把问题清单转化为成效清单。"
)
# The channels the report names (信访, 监督检查, 巡察, 审计, 调研发现, 座谈) are all among
# the defaults that ``campaign_create`` adds, so the demo keeps that list as it is.
REPORT_CHANNEL_CODES = ("petition", "supervision", "patrol", "audit", "research", "symposium")


def load(context: DemoContext) -> None:
    """Open the campaign at the zone with the default channels and start it.

    The campaign office's supervisor opens and starts it, as in real use; without the
    orgs loader's accounts the installer does.
    """
    assert context.root is not None, "campaigns.demo runs after orgs.demo"
    actor = context.people.get("supervisor", context.installer)
    campaign = campaign_create(
        org=context.root,
        name=NAME,
        short_name=SHORT_NAME,
        description=DESCRIPTION,
        start_date=START_DATE,
        end_date=END_DATE,
        acting_user=actor,
    )
    context.campaign = campaign_transition(campaign=campaign, action="start", acting_user=actor)
    context.counts["campaigns"] += 1
