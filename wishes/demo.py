"""Demo wishes and micro-projects, through the same services as the pages.

The report tells of 157 micro-wishes claimed by party members in 现代城社区 (群众点单、党员
上菜); here they are posted by residents over the last weeks and claimed by members living
there, most fulfilled with a photo and confirmed, some still under way, a few more waiting
on the wall. Other communities and villages get fewer. Agencies' departments claim the
livelihood micro-projects of several communities. Every figure the dashboards show is
counted from these rows by the statistics code.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.citizens import QueryCodeHolder
from core.demo import DemoContext
from orgs.choices import OrgKind, Role
from orgs.demo import XIANDAICHENG_CODE
from orgs.models import Org, RoleGrant, User
from wishes import services
from wishes.choices import WishSource

XIANDAICHENG_CLAIMED = 157
XIANDAICHENG_WAITING = 14

WISHES = (
    ("给独居的{who}买一台收音机", "独居老人"),
    ("帮{who}修理漏水的水龙头", "高龄老人"),
    ("为{who}辅导初二数学", "留守儿童"),
    ("给{who}送一套冬季棉被", "困难家庭"),
    ("陪{who}去医院复查", "空巢老人"),
    ("为{who}购买一套课外读物", "留守儿童"),
    ("帮{who}更换楼道里坏掉的灯泡", "残疾人家庭"),
    ("给{who}买一辆二手自行车上学", "困难学生"),
    ("教{who}用智能手机视频通话", "空巢老人"),
    ("为{who}理发", "行动不便的老人"),
    ("给{who}送一个电暖器", "独居老人"),
    ("帮{who}申请残疾人补贴材料", "残疾人"),
    ("为{who}配一副老花镜", "高龄老人"),
    ("给{who}买一个新书包", "困难学生"),
    ("帮{who}清理堆满杂物的阳台", "独居老人"),
    ("为{who}安装扶手", "行动不便的老人"),
)
WHO = ("王奶奶", "李大爷", "张阿姨", "刘爷爷", "陈婆婆", "赵叔叔", "小明", "小红", "周奶奶", "吴大爷")
THANKS = ("谢谢党员同志，东西很实用！", "非常感谢，解决了大问题。", "感谢社区和党员的关心。", "")
PROJECTS = (
    ("老旧小区楼道照明改造", "为 6 栋楼加装声控节能灯"),
    ("社区儿童“四点半课堂”", "放学后作业辅导与安全看护"),
    ("居民小广场健身器材更新", "更换老化器材 12 件"),
    ("适老化改造：楼梯扶手加装", "为高龄老人较多的楼栋加装扶手"),
    ("社区便民维修服务日", "每月一次家电、水电义务维修"),
    ("背街小巷路面修补", "修补坑洼路面约 300 平方米"),
    ("老年食堂助餐点", "为 80 岁以上老人提供午餐"),
    ("雨污分流管网疏通", "疏通堵塞管网，解决雨天积水"),
    ("社区图书角建设", "捐赠图书 800 册，设阅读角"),
    ("垃圾分类亭改造", "新建分类亭 4 处"),
    ("村级道路太阳能路灯", "安装太阳能路灯 40 盏"),
    ("农村饮水安全提升", "维修蓄水池与管道"),
)


def _photo(context: DemoContext) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    colour = tuple(context.random.randrange(80, 230) for _ in range(3))
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("完成照片.jpg", buffer.getvalue(), content_type="image/jpeg")


def _members(community: Org) -> list[User]:
    return list(
        User.objects.filter(
            is_party_member=True,
            is_active=True,
            home_org__path__gte=community.path,
            home_org__path__lt=community.path + "~",
        ).order_by("pk")
    )


def _clerk(org: Org) -> User | None:
    grant = RoleGrant.objects.filter(org=org, role=Role.CLERK).select_related("user").order_by("pk").first()
    return grant.user if grant else None


def _post(context: DemoContext, community: Org, clerk: User | None) -> Any:
    title, beneficiary = context.random.choice(WISHES)
    who = context.random.choice(WHO)
    staff = clerk is not None and context.random.random() < 0.3
    return services.wish_post(
        community=community,
        title=title.format(who=who),
        beneficiary=f"{beneficiary}{who}",
        submitter_name=context.person_name(),
        submitter_phone=context.mobile(),
        source=WishSource.STAFF if staff else WishSource.PUBLIC,
        acting_user=clerk if staff else None,
        campaign=context.campaign,
        created_at=timezone.now() - datetime.timedelta(days=context.random.randint(1, 60)),
    )


def _life(
    context: DemoContext, item: Any, claimant: User, *, confirmer: Any, stage: float, org: Org | None = None
) -> None:
    """Claim, then (by ``stage``) fulfil with a photo and confirm with a rating."""
    services.item_claim(item=item, acting_user=claimant, claimant_org=org)
    if stage < 0.15:
        return
    services.item_fulfil(item=item, acting_user=claimant, photos=[_photo(context)], note="已完成，照片为证")
    context.counts["wish photos"] += 1
    if stage < 0.3:
        return
    rating = context.random.choices((5, 4, 3), weights=(80, 17, 3))[0]
    services.item_confirm(item=item, acting_user=confirmer(item), rating=rating, thanks=context.random.choice(THANKS))


def load(context: DemoContext) -> None:
    localities = (
        list(
            Org.objects.filter(
                kind__in=(OrgKind.COMMUNITY, OrgKind.VILLAGE), path__startswith=context.root.path
            ).order_by("path")
        )
        if context.root is not None
        else []
    )
    for community in localities:
        members = _members(community)
        clerk = _clerk(community)
        if not members:
            continue
        if community.code == XIANDAICHENG_CODE:
            claimed, waiting = XIANDAICHENG_CLAIMED, XIANDAICHENG_WAITING
        else:
            claimed, waiting = context.random.randint(2, 6), context.random.randint(1, 3)
        for index in range(claimed + waiting):
            wish = _post(context, community, clerk)
            context.counts["wishes"] += 1
            if index >= claimed:
                continue
            # Residents confirm most through their code; the grid worker the rest.
            use_code = context.random.random() < 0.6 or clerk is None
            _life(
                context,
                wish,
                context.random.choice(members),
                confirmer=(lambda item: QueryCodeHolder(item)) if use_code else (lambda item, c=clerk: c),
                stage=context.random.random(),
            )
    _load_projects(context, localities)


def _load_projects(context: DemoContext, localities: list[Org]) -> None:
    departments = [
        (org, clerk)
        for org in Org.objects.filter(kind=OrgKind.DEPARTMENT).order_by("path")
        if (clerk := _clerk(org)) is not None
    ]
    communities = [(org, clerk) for org in localities if (clerk := _clerk(org)) is not None]
    if not departments or not communities:
        return
    for index, (title, description) in enumerate(PROJECTS):
        community, community_clerk = communities[index % len(communities)]
        project = services.project_create(
            community=community,
            title=title,
            description=description,
            budget=context.random.randrange(5, 80) * 1000,
            campaign=context.campaign,
            acting_user=community_clerk,
            created_at=timezone.now() - datetime.timedelta(days=context.random.randint(20, 80)),
        )
        context.counts["micro-projects"] += 1
        if index >= len(PROJECTS) - 2:
            continue  # two still wait for an org
        department, department_clerk = context.random.choice(departments)
        _life(
            context,
            project,
            department_clerk,
            confirmer=lambda item, c=community_clerk: c,
            stage=context.random.random(),
            org=department,
        )
