"""Excel imports of the research catalogue and the register of enterprises and places.

All or nothing: every row is checked first and every problem named by sheet, row and
column; only a clean file is written, in one transaction, through the services.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_import
from campaigns.models import Campaign
from core import spreadsheets
from core.errors import DomainError
from core.spreadsheets import Column, ImportProblem, ImportResult
from orgs.models import Org
from orgs.permissions import holds_role_over
from research import services
from research.choices import EntityKind
from research.models import Entity, ResearchTopic

TOPIC_COLUMNS = [
    Column("area", "调研方面", ("方面", "领域", "类别", "area")),
    Column("title", "课题名称", ("课题", "调研课题", "题目", "title")),
    Column("proposer", "提出单位", ("提出人", "建议单位", "proposer"), required=False),
]
ENTITY_COLUMNS = [
    Column("name", "名称", ("企业名称", "单位名称", "场所名称", "name")),
    Column("kind", "类型", ("类别", "kind"), required=False),
    Column("credit_code", "统一社会信用代码", ("信用代码", "credit code"), required=False),
    Column("industry", "行业", ("所属行业", "industry"), required=False),
    Column("address", "地址", ("地点", "address"), required=False),
    Column("contact", "联系人", ("contact",), required=False),
    Column("phone", "联系电话", ("电话", "phone"), required=False),
    Column("org", "所属单位编码", ("单位编码", "org code"), required=False),
]
ENTITY_KINDS = {
    **dict.fromkeys(("企业", "公司", "enterprise", ""), EntityKind.ENTERPRISE),
    **dict.fromkeys(("场所", "单位", "地点", "村", "社区", "place"), EntityKind.PLACE),
}


def _problem(header: spreadsheets.Header, row: int, key: str | None, message: str) -> ImportProblem:
    return ImportProblem(location=header.location(row, key), message=message)


def import_topics(
    *, data: bytes, filename: str, campaign: Campaign, org: Org, acting_user: Any, dry_run: bool = False
) -> ImportResult:
    """Candidate topics (调研方面, 课题名称, 提出单位) into ``campaign``'s catalogue."""
    if not holds_role_over(acting_user, org, services.CATALOGUE_ROLES):
        raise DomainError(_("You may not change the research catalogue of this unit."), field="org")
    header = spreadsheets.find_table(spreadsheets.read_workbook(data=data, filename=filename), TOPIC_COLUMNS)
    result = ImportResult(dry_run=dry_run, errors=header.missing_problems())
    if result.errors:
        return result
    existing = set(ResearchTopic.objects.filter(campaign=campaign).values_list("title", flat=True))
    seen: dict[str, int] = {}
    rows: list[dict[str, str]] = []
    for row in header.data_rows():
        area, title = header.text(row, "area"), header.text(row, "title")
        if not area:
            result.errors.append(_problem(header, row, "area", _("The area is empty.")))
        elif len(area) > 60:
            result.errors.append(
                _problem(header, row, "area", _("At most %(count)s characters, please.") % {"count": 60})
            )
        if not title:
            result.errors.append(_problem(header, row, "title", _("The topic title is empty.")))
        elif len(title) > 200:
            result.errors.append(
                _problem(header, row, "title", _("At most %(count)s characters, please.") % {"count": 200})
            )
        elif title in seen:
            result.errors.append(
                _problem(header, row, "title", _("The same title is on row %(row)s.") % {"row": seen[title] + 1})
            )
        elif title in existing:
            result.unchanged += 1
            seen[title] = row
            continue
        seen[title] = row
        rows.append({"area": area, "title": title, "proposer": header.text(row, "proposer")})
    if result.errors:
        return result
    result.created = len(rows)
    if dry_run:
        return result
    with transaction.atomic():
        for values in rows:
            services.topic_create(campaign=campaign, org=org, acting_user=acting_user, **values)
        audit_import(acting_user, what="research.topics", rows=len(rows), filename=filename, target=campaign)
    return result


def import_entities(*, data: bytes, filename: str, org: Org, acting_user: Any, dry_run: bool = False) -> ImportResult:
    """Enterprises and places (名称, 类型, 统一社会信用代码 …); a name already registered is
    left as it is, so the same register can be imported again after additions."""
    header = spreadsheets.find_table(spreadsheets.read_workbook(data=data, filename=filename), ENTITY_COLUMNS)
    result = ImportResult(dry_run=dry_run, errors=header.missing_problems())
    if result.errors:
        return result
    names = set(Entity.objects.values_list("name", flat=True))
    codes = set(Entity.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    visible = Org.objects.visible_to(acting_user)
    orgs: dict[str, Org | None] = {}
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for row in header.data_rows():
        name = header.text(row, "name")
        kind = ENTITY_KINDS.get(header.text(row, "kind").lower())
        code = spreadsheets.clean_text(header.text(row, "credit_code")).upper().replace(" ", "")
        org_code = header.text(row, "org")
        target = org
        if org_code:
            if org_code not in orgs:
                orgs[org_code] = visible.filter(code=org_code).first()
            found = orgs[org_code]
            if found is None:
                result.errors.append(
                    _problem(
                        header, row, "org", _("No org with code “%(code)s” is visible to you.") % {"code": org_code}
                    )
                )
            else:
                target = found
        if not name:
            result.errors.append(_problem(header, row, "name", _("The name is empty.")))
            continue
        if len(name) > 150:
            result.errors.append(
                _problem(header, row, "name", _("At most %(count)s characters, please.") % {"count": 150})
            )
        if name in seen_names:
            result.errors.append(
                _problem(header, row, "name", _("The same name is on row %(row)s.") % {"row": seen_names[name] + 1})
            )
        seen_names[name] = row
        if kind is None:
            result.errors.append(_problem(header, row, "kind", _("Write 企业 for an enterprise or 场所 for a place.")))
        if code:
            if len(code) != 18:
                result.errors.append(
                    _problem(header, row, "credit_code", _("A unified social credit code has 18 characters."))
                )
            elif code in seen_codes:
                result.errors.append(
                    _problem(
                        header,
                        row,
                        "credit_code",
                        _("The same code is on row %(row)s.") % {"row": seen_codes[code] + 1},
                    )
                )
            elif code in codes and name not in names:
                result.errors.append(
                    _problem(
                        header, row, "credit_code", _("An enterprise with this credit code is already registered.")
                    )
                )
            seen_codes[code] = row
        if name in names:
            result.unchanged += 1
            continue
        if target is not None and not holds_role_over(acting_user, target, services.VISIT_ROLES):
            result.errors.append(_problem(header, row, "org", _("You may not register enterprises for this unit.")))
        rows.append(
            {
                "org": target,
                "name": name,
                "kind": kind or EntityKind.ENTERPRISE,
                "credit_code": code,
                "industry": header.text(row, "industry")[:60],
                "address": header.text(row, "address")[:200],
                "contact": header.text(row, "contact")[:50],
                "phone": spreadsheets.cell_digits(header.value(row, "phone"))[:20],
            }
        )
    if result.errors:
        return result
    result.created = len(rows)
    if dry_run:
        return result
    with transaction.atomic():
        for values in rows:
            services.entity_create(acting_user=acting_user, **values)
        audit_import(acting_user, what="research.entities", rows=len(rows), filename=filename)
    return result
