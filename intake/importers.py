"""Suggestions from the other channels, imported from the clerk's Excel sheet: all or
nothing, every bad cell named by sheet, row and column, in the same columns as the
template (``template_xlsx``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit.services import audit_import
from core import spreadsheets
from core.citizens import is_mobile
from core.errors import DomainError
from core.spreadsheets import ImportProblem, ImportResult
from intake.choices import IntakeChannel, SuggestionKind
from intake.models import TRIAGE_ROLES
from intake.services import clean_submission, suggestion_submit
from orgs.models import Org
from orgs.permissions import holds_role_over

COLUMNS = [
    spreadsheets.Column("channel", "渠道", ("来源", "意见收集渠道", "channel")),
    spreadsheets.Column("kind", "类型", ("诉求类型", "kind"), required=False),
    spreadsheets.Column("community", "社区", ("社区（村）", "所属社区", "村", "community")),
    spreadsheets.Column("received_on", "收到日期", ("日期", "受理日期", "date")),
    spreadsheets.Column("content", "内容", ("意见建议", "诉求内容", "反映内容", "content")),
    spreadsheets.Column("name", "姓名", ("反映人", "name"), required=False),
    spreadsheets.Column("phone", "电话", ("联系电话", "手机", "phone"), required=False),
]
CHANNEL_WORDS = {
    **dict.fromkeys(("网络", "网络留言", "网上", "online"), IntakeChannel.ONLINE),
    **dict.fromkeys(("12345", "热线", "12345热线", "12345 热线", "hotline"), IntakeChannel.HOTLINE),
    **dict.fromkeys(("信访", "来信来访", "来访", "petition"), IntakeChannel.PETITION),
    **dict.fromkeys(("意见箱", "opinion_box"), IntakeChannel.OPINION_BOX),
    **dict.fromkeys(("座谈", "座谈会", "symposium"), IntakeChannel.SYMPOSIUM),
    **dict.fromkeys(("调研", "走访", "调研走访", "research"), IntakeChannel.RESEARCH),
}
KIND_WORDS = {
    **dict.fromkeys(("建议", "意见", "意见建议", "suggestion"), SuggestionKind.SUGGESTION),
    **dict.fromkeys(("投诉", "complaint"), SuggestionKind.COMPLAINT),
    **dict.fromkeys(("求助", "诉求", "求助诉求", "request"), SuggestionKind.REQUEST),
}
TEMPLATE_EXAMPLE = [
    "12345热线",
    "诉求",
    "现代城社区",
    "2026-11-20",
    "3号楼楼道灯坏了一个月没人修",
    "王先生",
    "13812345678",
]


def template_xlsx() -> bytes:
    """The sheet a clerk fills in: the headers and one example row."""
    return spreadsheets.xlsx_write(
        header=[column.label for column in COLUMNS], rows=[TEMPLATE_EXAMPLE], sheet="群众意见"
    )


def import_suggestions(*, data: bytes, filename: str, acting_user: Any, dry_run: bool = False) -> ImportResult:
    """Read every row, check all of them, and write them only if none is wrong."""
    result = ImportResult(dry_run=dry_run)
    try:
        workbook = spreadsheets.read_workbook(data=data, filename=filename)
        header = spreadsheets.find_table(workbook, COLUMNS)
    except DomainError as error:
        result.errors.append(ImportProblem(location=None, message=error.message))
        return result
    result.errors.extend(header.missing_problems())
    if result.errors:
        return result
    communities = {}
    for org in Org.objects.filter(Q(kind__in=("community", "village", "grid")), is_active=True):
        communities.setdefault(org.name, org)
        communities.setdefault(org.code, org)
    rows: list[dict[str, Any]] = []
    for row in header.data_rows():
        problems: list[ImportProblem] = []

        def problem(key: str, message: str, row: int = row, problems: list = problems) -> None:
            problems.append(ImportProblem(location=header.location(row, key), message=message))

        channel = CHANNEL_WORDS.get(header.text(row, "channel").replace(" ", "").lower()) or CHANNEL_WORDS.get(
            header.text(row, "channel")
        )
        if channel is None:
            problem("channel", _("Write one of 12345热线, 信访, 意见箱, 座谈, 调研, 网络留言."))
        kind_text = header.text(row, "kind") if header.has("kind") else ""
        kind = KIND_WORDS.get(kind_text) if kind_text else SuggestionKind.SUGGESTION
        if kind is None:
            problem("kind", _("Write 建议, 投诉 or 求助."))
        community = communities.get(header.text(row, "community"))
        if community is None:
            problem("community", _("No community or village of this name or code."))
        elif not holds_role_over(acting_user, community, TRIAGE_ROLES):
            problem("community", _("You may not enter submissions for this community."))
        received_on = spreadsheets.cell_date(header.value(row, "received_on"))
        if received_on is None:
            problem("received_on", _("This is not a date: write it as 2026-11-20."))
        phone = spreadsheets.cell_digits(header.value(row, "phone")) if header.has("phone") else ""
        if phone and not is_mobile(phone):
            problem("phone", _("This is not a mobile number: write the 11 digits, e.g. 13812345678."))
        content = header.text(row, "content")
        if not problems:
            try:
                clean_submission(
                    community=community,
                    content=content,
                    kind=kind,
                    channel=channel,
                    submitter_phone=phone,
                    received_on=received_on,
                )
            except DomainError as error:
                key = {"phone": "phone", "content": "content", "received_on": "received_on"}.get(
                    error.field or "", "content"
                )
                problem(key, error.message)
        result.errors.extend(problems)
        if not problems:
            rows.append(
                {
                    "community": community,
                    "channel": channel,
                    "kind": kind,
                    "received_on": received_on,
                    "content": content,
                    "submitter_name": header.text(row, "name") if header.has("name") else "",
                    "submitter_phone": phone,
                }
            )
    if not rows and not result.errors:
        result.errors.append(ImportProblem(location=None, message=_("The file lists no submissions.")))
    if result.errors or dry_run:
        result.created = len(rows) if not result.errors else 0
        return result
    with transaction.atomic():
        for values in rows:
            suggestion_submit(acting_user=acting_user, **values)
        audit_import(acting_user, what="intake.suggestions", rows=len(rows), filename=filename)
    result.created = len(rows)
    return result
