"""Import the org tree and its people from the spreadsheets offices keep.

Both importers take the bytes of an .xlsx, .xls, .ods or .csv file (UTF-8 or GBK), read
it with ``core.spreadsheets``, check every row and collect every problem, each naming its
sheet, row and column. Only when there is none is anything written, all in one
transaction; ``dry_run`` checks and counts without writing.

Re-importing is how a list is kept up to date: a row whose unit code (or account) already
exists updates that unit (or person) instead of failing, and an exported file imports
again without changes. What an import never does:

* move an existing unit to another parent (that rewrites a subtree and belongs on the
  unit's page, ``orgs.services.org_move``); a row that names another parent is refused;
* delete or deactivate anything missing from the file;
* touch a column the file does not have (an update leaves such fields as they are; a
  column that is there but empty clears an optional field, e.g. 简称, 职务, 邮箱);
* set passwords: new accounts cannot log in until an administrator sets one.

Reach: a unit may be added under, or changed in, a subtree where the acting user is an
administrator (``ACCOUNT_MANAGING_ROLES``); a new top-level unit needs the installer
(a superuser). People may be added or changed where the acting user may edit people
(``PEOPLE_EDITING_ROLES``), as with ``person_create`` and ``person_update``.

Every created or updated unit and person gets one ``Event`` with action ``imported``;
its ``changes`` hold the fields of a created row or ``[old, new]`` pairs of an updated
one, its ``comment`` the file's name.

Chinese wording for the translator (zh_Hans catalogue), msgid → msgstr, exactly:

    "%(header)s must not be empty."
        → "%(header)s不能为空"
    "%(header)s is longer than %(limit)s characters."
        → "%(header)s超过%(limit)s个字符"
    "%(header)s “%(value)s” already appears in row %(row)s."
        → "%(header)s“%(value)s”在第%(row)s行已出现"
    "The parent unit “%(code)s” does not exist."
        → "上级单位“%(code)s”不存在"
    "The parent chain of “%(code)s” loops back to itself: %(chain)s."
        → "单位“%(code)s”的上级关系形成循环：%(chain)s"
    "The unit “%(code)s” would lie more than %(limit)s levels deep."
        → "单位“%(code)s”的层级超过%(limit)s级"
    "You may not add units under “%(code)s”."
        → "您无权在单位“%(code)s”下添加单位"
    "Only the installer may create a new top-level unit: fill in the parent unit code."
        → "只有系统安装人员可以新建顶级单位，请填写上级单位编码"
    "You may not change the unit “%(code)s”."
        → "您无权修改单位“%(code)s”"
    "The unit “%(code)s” sits under “%(current)s”; move it on its page, not by import."
        → "单位“%(code)s”现隶属于“%(current)s”，调整隶属关系请在单位页面操作，不能通过导入修改"
    "The unit “%(code)s” is a top-level unit; it cannot be moved by import."
        → "单位“%(code)s”是顶级单位，不能通过导入调整隶属关系"
    "Unknown unit kind “%(value)s”; write one of: %(choices)s."
        → "单位类型“%(value)s”无法识别，请填写：%(choices)s"
    "The unit “%(code)s” does not exist."
        → "单位“%(code)s”不存在"
    "You may not add or change people in the unit “%(code)s”."
        → "您无权添加或修改单位“%(code)s”的人员"
    "You may not change the person “%(username)s”."
        → "您无权修改人员“%(username)s”"
    "“%(value)s” is not a valid account name: use letters, digits and @ . + - _ only."
        → "账号“%(value)s”无效：只能使用字母、数字和 @ . + - _"
    "The mobile number “%(value)s” is not a valid 11-digit mobile number."
        → "手机号“%(value)s”不是有效的11位手机号"
    "“%(value)s” is not a yes or no; write Yes or No."
        → "“%(value)s”无法识别，请填写“是”或“否”"
    "Unknown member category “%(value)s”; write one of: %(choices)s."
        → "党员类别“%(value)s”无法识别，请填写：%(choices)s"
    "“%(value)s” is not a valid e-mail address."
        → "“%(value)s”不是有效的电子邮箱地址"
    "Someone else changed the same data while the file was being imported; nothing was imported. Try again."
        → "导入期间其他人修改了相同的数据，本次未导入任何内容，请重试"
    "Only party members have a member category."   (already used by orgs.services)
        → "只有党员才有党员类别"
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import audit_import
from core.errors import DomainError
from core.models import Event
from core.scoping import PATH_STEP
from core.spreadsheets import (
    Column,
    Header,
    ImportProblem,
    ImportResult,
    cell_digits,
    cell_text,
    cell_yes_no,
    find_table,
    header_key,
    read_workbook,
)
from orgs.choices import ACCOUNT_MANAGING_ROLES, PEOPLE_EDITING_ROLES, MemberCategory, OrgKind
from orgs.models import Org, User
from orgs.permissions import holds_role_over

# --- The file format --------------------------------------------------------------------
# Headers are the file's vocabulary and stay Chinese in every interface language; the
# first name of each column is what the export writes.

ORG_COLUMNS: tuple[Column, ...] = (
    Column("code", "单位编码", ("编码", "代码", "单位代码", "组织编码", "机构编码")),
    Column("name", "单位名称", ("名称", "单位全称", "组织名称", "机构名称")),
    Column("parent", "上级单位编码", ("上级编码", "上级代码", "上级单位代码", "上级组织编码", "父级编码")),
    Column("kind", "单位类型", ("类型", "组织类型", "机构类型")),
    Column("short_name", "简称", ("单位简称",), required=False),
)

PEOPLE_COLUMNS: tuple[Column, ...] = (
    Column("username", "账号", ("帐号", "用户名", "登录账号", "登录名")),
    Column("real_name", "姓名", ("真实姓名", "名字")),
    Column("mobile", "手机号", ("手机", "手机号码", "联系电话", "电话"), required=False),
    Column("home_org", "所属单位编码", ("单位编码", "所属单位代码", "单位代码")),
    Column("is_party_member", "是否党员", ("党员",), required=False),
    Column("member_category", "党员类别", ("党员分类", "类别"), required=False),
    Column("position", "职务", ("职位",), required=False),
    Column("email", "邮箱", ("电子邮箱", "电子邮件", "email", "e-mail"), required=False),
)

# The words offices write for each kind of unit and category of member. The first word
# is the one exports write. The choices' own labels are translated through gettext from
# English msgids, so the importer does not depend on the active language: it knows these
# words, the stored values, the English labels and, once the catalogue has them, the
# Chinese labels too.
ORG_KIND_WORDS: dict[str, tuple[str, ...]] = {
    OrgKind.PROVINCE: ("省", "省级", "自治区", "直辖市"),
    OrgKind.CITY: ("市", "地级市", "市州", "地市"),
    OrgKind.DISTRICT: ("区县", "区", "县", "县区", "开发区", "高新区", "区县/开发区"),
    OrgKind.DEPARTMENT: ("部门", "委办局", "局"),
    OrgKind.STREET: ("街道", "镇", "乡", "乡镇", "街镇", "街道/镇"),
    OrgKind.COMMUNITY: ("社区",),
    OrgKind.VILLAGE: ("村", "行政村"),
    OrgKind.GRID: ("网格",),
    OrgKind.PARTY_WORKING_COMMITTEE: ("党工委",),
    OrgKind.PARTY_COMMITTEE: ("党委",),
    OrgKind.PARTY_BRANCH: ("党支部", "支部"),
    OrgKind.ENTERPRISE: ("企事业单位", "企业", "事业单位", "企业/事业单位"),
}
MEMBER_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    MemberCategory.IN_SERVICE: ("在职", "在职党员"),
    MemberCategory.OUTFLOW: ("流出", "流出党员"),
    MemberCategory.ELDERLY: ("年老体弱", "年老体弱党员", "老弱"),
    MemberCategory.SCATTERED: ("零散", "零散党员"),
    MemberCategory.NEW_EMPLOYMENT: ("新就业群体", "新就业群体党员", "新就业"),
}

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# treebeard keeps the path in a column of 255 characters, PATH_STEP per level.
MAX_DEPTH = 255 // PATH_STEP
# Lookups by code go in chunks: SQLite limits the variables of one statement.
CHUNK = 900
IMPORTED = "imported"

T = TypeVar("T")


def kind_word(value: str) -> str:
    """The word exports write for the org kind ``value``."""
    return ORG_KIND_WORDS[value][0]


def member_category_word(value: str) -> str:
    """The word exports write for the member category ``value`` ("" for none)."""
    return MEMBER_CATEGORY_WORDS[value][0] if value else ""


def _choice_lookup(choices: Any, words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in choices.choices:
        names = [value, *words[value]]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.append(str(label))
        for name in names:
            table.setdefault(header_key(name), value)
    return table


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _file_problem(error: DomainError, dry_run: bool) -> ImportResult:
    return ImportResult(errors=[ImportProblem(location=None, message=error.message)], dry_run=dry_run)


def _conflict(dry_run: bool) -> ImportResult:
    message = _(
        "Someone else changed the same data while the file was being imported; nothing was imported. Try again."
    )
    return ImportResult(errors=[ImportProblem(location=None, message=message)], dry_run=dry_run)


def _actor(acting_user: Any) -> User | None:
    """The user to record on events; the installer context (no account) records none."""
    return acting_user if isinstance(acting_user, User) and acting_user.pk else None


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))


class _Checker:
    """Collects the problems of one sheet, one message per bad cell."""

    def __init__(self, header: Header) -> None:
        self.header = header
        self.problems: list[ImportProblem] = []
        self.bad_rows: set[int] = set()

    def add(self, row: int, key: str | None, message: str) -> None:
        self.problems.append(ImportProblem(location=self.header.location(row, key), message=message))
        self.bad_rows.add(row)

    def title(self, key: str) -> str:
        return self.header.titles.get(key, key)

    def required(self, row: int, key: str, value: str, limit: int) -> bool:
        """Check a required text cell; ``True`` if it is fine."""
        if not value:
            self.add(row, key, _("%(header)s must not be empty.") % {"header": self.title(key)})
            return False
        return self.length(row, key, value, limit)

    def length(self, row: int, key: str, value: str, limit: int) -> bool:
        if len(value) > limit:
            self.add(
                row,
                key,
                _("%(header)s is longer than %(limit)s characters.") % {"header": self.title(key), "limit": limit},
            )
            return False
        return True

    def unique(self, row: int, key: str, value: str, seen: dict[str, int]) -> bool:
        """Check that ``value`` did not appear in an earlier row; remembers it if not."""
        if value in seen:
            self.add(
                row,
                key,
                _("%(header)s “%(value)s” already appears in row %(row)s.")
                % {"header": self.title(key), "value": value, "row": seen[value] + 1},
            )
            return False
        seen[value] = row
        return True

    def choice(self, row: int, key: str, lookup: dict[str, str], message: str, words: Iterable[str]) -> str | None:
        """The stored value for the word in the cell, "" for an empty cell, ``None`` (and
        a problem) for a word not known."""
        text = self.header.text(row, key)
        if not text:
            return ""
        value = lookup.get(header_key(text))
        if value is None:
            self.add(row, key, message % {"value": text, "choices": "、".join(words)})
        return value


def _events(*, model: type, rows: Iterable[tuple[int, int | None, dict[str, Any]]], actor: Any, comment: str) -> None:
    """One ``imported`` event per (object id, org id, changes), in bulk: the same rows
    ``core.services.event_record`` writes one at a time."""
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    Event.objects.bulk_create(
        [
            Event(
                content_type=content_type,
                object_id=object_id,
                org_id=org_id,
                actor=actor,
                action=IMPORTED,
                comment=comment,
                changes=changes,
                created_at=now,
            )
            for object_id, org_id, changes in rows
        ],
        batch_size=500,
    )


# --- Orgs -------------------------------------------------------------------------------


@dataclass
class _OrgRow:
    row: int
    code: str
    name: str
    parent_code: str
    kind: str
    short_name: str | None
    children: list[_OrgRow] = field(default_factory=list)

    def fields(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "kind": self.kind, "short_name": self.short_name or ""}


def import_orgs(*, data: bytes, filename: str, acting_user: Any, dry_run: bool = False) -> ImportResult:
    """Import units from the file ``filename`` whose bytes are ``data``, for ``acting_user``.

    Columns: 单位编码, 单位名称, 上级单位编码, 单位类型, optional 简称 (or their usual
    synonyms), below any title rows, in the first sheet that has them. A parent may be
    defined anywhere in the file or exist already. New units are created through
    treebeard, parents before children; existing codes are updated (never moved). Returns
    what was (or, with ``dry_run``, would be) created and updated, or every problem found,
    in which case nothing was written.
    """
    try:
        header = find_table(read_workbook(data=data, filename=filename), ORG_COLUMNS)
    except DomainError as error:
        return _file_problem(error, dry_run)
    if header.missing:
        return ImportResult(errors=header.missing_problems(), dry_run=dry_run)
    # Parsing happened outside: the transaction (SQLite's write lock) is held only for
    # checking against the database and writing.
    try:
        with transaction.atomic():
            return _OrgImport(header=header, acting_user=acting_user, filename=filename, dry_run=dry_run).run()
    except IntegrityError:
        return _conflict(dry_run)


class _OrgImport:
    def __init__(self, *, header: Header, acting_user: Any, filename: str, dry_run: bool) -> None:
        self.header = header
        self.check = _Checker(header)
        self.acting_user = acting_user
        self.filename = PurePath(filename).name
        self.dry_run = dry_run
        self.kinds = _choice_lookup(OrgKind, ORG_KIND_WORDS)
        self.rows: dict[str, _OrgRow] = {}
        self.existing: dict[str, Org] = {}
        self.parent_codes: dict[str, str] = {}

    def run(self) -> ImportResult:
        self.read_rows()
        self.load_existing()
        updates: list[tuple[_OrgRow, Org, dict[str, list[str]]]] = []
        unchanged = 0
        new_rows: dict[str, _OrgRow] = {}
        for code, row in self.rows.items():
            org = self.existing.get(code)
            if org is None:
                new_rows[code] = row
                continue
            diff = self.check_existing(row, org)
            if diff is None:
                continue
            if diff:
                updates.append((row, org, diff))
            else:
                unchanged += 1
        tops = self.check_new(new_rows)
        if self.check.problems:
            return ImportResult(errors=self.check.problems, dry_run=self.dry_run)
        result = ImportResult(created=len(new_rows), updated=len(updates), unchanged=unchanged, dry_run=self.dry_run)
        if not self.dry_run:
            self.write(updates, tops, new_rows)
            audit_import(
                self.acting_user, what="orgs.orgs", rows=result.created + result.updated, filename=self.filename
            )
        return result

    def read_rows(self) -> None:
        header, check = self.header, self.check
        seen: dict[str, int] = {}
        kind_words = [words[0] for words in ORG_KIND_WORDS.values()]
        for row in header.data_rows():
            code = header.text(row, "code", simplify=False)
            name = header.text(row, "name")
            parent_code = header.text(row, "parent", simplify=False)
            short_name = header.text(row, "short_name") if header.has("short_name") else None
            fine = check.required(row, "code", code, 40) and check.unique(row, "code", code, seen)
            check.required(row, "name", name, 100)
            check.length(row, "parent", parent_code, 40)
            if short_name:
                check.length(row, "short_name", short_name, 30)
            kind = check.choice(
                row, "kind", self.kinds, _("Unknown unit kind “%(value)s”; write one of: %(choices)s."), kind_words
            )
            if kind == "":
                check.add(row, "kind", _("%(header)s must not be empty.") % {"header": check.title("kind")})
            if fine:
                self.rows[code] = _OrgRow(
                    row=row, code=code, name=name, parent_code=parent_code, kind=kind or "", short_name=short_name
                )

    def load_existing(self) -> None:
        """The units the file names, as codes or as parents, and the codes of the parents
        of those that exist: two queries per chunk of codes, whatever the file's size."""
        codes = sorted(set(self.rows) | {row.parent_code for row in self.rows.values() if row.parent_code})
        for chunk in _chunks(codes):
            for org in Org.objects.filter(code__in=chunk).only(
                "pk", "code", "path", "depth", "name", "short_name", "kind"
            ):
                self.existing[org.code] = org
        parent_paths = sorted({org.path[:-PATH_STEP] for org in self.existing.values() if org.depth > 1})
        for chunk in _chunks(parent_paths):
            self.parent_codes.update(Org.objects.filter(path__in=chunk).values_list("path", "code"))

    def check_existing(self, row: _OrgRow, org: Org) -> dict[str, list[str]] | None:
        """The changes ``row`` makes to ``org``, or ``None`` if it is refused."""
        check = self.check
        if not holds_role_over(self.acting_user, org, ACCOUNT_MANAGING_ROLES):
            check.add(row.row, "code", _("You may not change the unit “%(code)s”.") % {"code": row.code})
            return None
        current_parent = self.parent_codes.get(org.path[:-PATH_STEP], "") if org.depth > 1 else ""
        if row.parent_code != current_parent:
            if current_parent:
                message = _("The unit “%(code)s” sits under “%(current)s”; move it on its page, not by import.") % {
                    "code": row.code,
                    "current": current_parent,
                }
            else:
                message = _("The unit “%(code)s” is a top-level unit; it cannot be moved by import.") % {
                    "code": row.code
                }
            check.add(row.row, "parent", message)
            return None
        if row.row in check.bad_rows:
            return None
        wanted = {"name": row.name, "kind": row.kind}
        if row.short_name is not None:
            wanted["short_name"] = row.short_name
        return {key: [getattr(org, key), value] for key, value in wanted.items() if getattr(org, key) != value}

    def check_new(self, new_rows: dict[str, _OrgRow]) -> list[tuple[Org | None, _OrgRow]]:
        """Check where each new unit goes; returns the tops of the new subtrees with the
        existing unit (``None`` for a new root) each hangs from, children linked in."""
        check = self.check
        tops: list[tuple[Org | None, _OrgRow]] = []
        for row in new_rows.values():
            if not row.parent_code:
                if not _is_superuser(self.acting_user):
                    check.add(
                        row.row,
                        "parent",
                        _("Only the installer may create a new top-level unit: fill in the parent unit code."),
                    )
                tops.append((None, row))
            elif row.parent_code in new_rows:
                if row.parent_code != row.code:
                    new_rows[row.parent_code].children.append(row)
            elif row.parent_code in self.existing:
                parent = self.existing[row.parent_code]
                if not holds_role_over(self.acting_user, parent, ACCOUNT_MANAGING_ROLES):
                    check.add(
                        row.row, "parent", _("You may not add units under “%(code)s”.") % {"code": row.parent_code}
                    )
                tops.append((parent, row))
            else:
                check.add(
                    row.row, "parent", _("The parent unit “%(code)s” does not exist.") % {"code": row.parent_code}
                )
        self.check_cycles(new_rows)
        self.check_depth(tops)
        return tops

    def check_cycles(self, new_rows: dict[str, _OrgRow]) -> None:
        """New units whose parents, followed upwards, come back to them."""
        state: dict[str, int] = {}  # 1: being followed, 2: done
        for start in new_rows:
            chain: list[str] = []
            code = start
            while code in new_rows and code not in state:
                state[code] = 1
                chain.append(code)
                code = new_rows[code].parent_code
            if code in chain:
                loop = chain[chain.index(code) :]
                shown = " → ".join([*loop, code])
                for member in loop:
                    self.check.add(
                        new_rows[member].row,
                        "parent",
                        _("The parent chain of “%(code)s” loops back to itself: %(chain)s.")
                        % {"code": member, "chain": shown},
                    )
            for code in chain:
                state[code] = 2

    def check_depth(self, tops: list[tuple[Org | None, _OrgRow]]) -> None:
        for parent, top in tops:
            stack = [(top, (parent.depth if parent else 0) + 1)]
            while stack:
                row, depth = stack.pop()
                if depth > MAX_DEPTH:
                    self.check.add(
                        row.row,
                        "parent",
                        _("The unit “%(code)s” would lie more than %(limit)s levels deep.")
                        % {"code": row.code, "limit": MAX_DEPTH},
                    )
                    continue
                stack.extend((child, depth + 1) for child in row.children)

    def write(
        self,
        updates: list[tuple[_OrgRow, Org, dict[str, list[str]]]],
        tops: list[tuple[Org | None, _OrgRow]],
        new_rows: dict[str, _OrgRow],
    ) -> None:
        actor = _actor(self.acting_user)
        now = timezone.now()
        changed: list[Org] = []
        for _row, org, diff in updates:
            for key, (_old, new) in diff.items():
                setattr(org, key, new)
            org.updated_at = now
            changed.append(org)
        Org.objects.bulk_update(changed, ["name", "short_name", "kind", "updated_at"], batch_size=500)
        # Each new subtree in one treebeard call: its top goes through ``add_child`` under
        # its existing parent (after the siblings already there), everything below it is
        # bulk-created with paths computed from the top's. One call per top keeps this
        # right even if the tree ever sorts siblings again (``node_order_by``): a later
        # top that shifted siblings would then also shift what earlier calls created.
        bulk = connection.features.can_return_rows_from_bulk_insert
        for parent, top in sorted(tops, key=lambda item: (item[0].path if item[0] else "", item[1].code)):
            Org.objects.load_bulk([self.bulk_data(top)], parent=parent, bulk_create=bulk)
        created: dict[str, int] = {}
        for chunk in _chunks(sorted(new_rows)):
            created.update(Org.objects.filter(code__in=chunk).values_list("code", "pk"))
        events = [(org.pk, org.pk, diff) for _row, org, diff in updates]
        events += [
            (created[row.code], created[row.code], {**row.fields(), "parent": row.parent_code})
            for row in new_rows.values()
        ]
        _events(model=Org, rows=events, actor=actor, comment=self.filename)

    def bulk_data(self, row: _OrgRow) -> dict[str, Any]:
        """treebeard's ``load_bulk`` structure for ``row`` and its new descendants, each
        level in code order."""
        return {
            "data": row.fields(),
            "children": [self.bulk_data(child) for child in sorted(row.children, key=lambda child: child.code)],
        }


# --- People -----------------------------------------------------------------------------

PERSON_IMPORT_FIELDS = ("real_name", "mobile", "is_party_member", "member_category", "position", "email")


@dataclass
class _PersonRow:
    row: int
    username: str
    home_org_code: str
    values: dict[str, Any]
    username_ok: bool


def import_people(*, data: bytes, filename: str, acting_user: Any, dry_run: bool = False) -> ImportResult:
    """Import people from the file ``filename`` whose bytes are ``data``, for ``acting_user``.

    Columns: 账号, 姓名, 所属单位编码, optional 手机号, 是否党员, 党员类别, 职务, 邮箱
    (or their usual synonyms). The unit must exist. An existing account is updated; a new
    one is created without a usable password. Returns what was (or would be) created and
    updated, or every problem found, in which case nothing was written.
    """
    try:
        header = find_table(read_workbook(data=data, filename=filename), PEOPLE_COLUMNS)
    except DomainError as error:
        return _file_problem(error, dry_run)
    if header.missing:
        return ImportResult(errors=header.missing_problems(), dry_run=dry_run)
    try:
        with transaction.atomic():
            return _PeopleImport(header=header, acting_user=acting_user, filename=filename, dry_run=dry_run).run()
    except IntegrityError:
        return _conflict(dry_run)


class _PeopleImport:
    def __init__(self, *, header: Header, acting_user: Any, filename: str, dry_run: bool) -> None:
        self.header = header
        self.check = _Checker(header)
        self.acting_user = acting_user
        self.filename = PurePath(filename).name
        self.dry_run = dry_run
        self.categories = _choice_lookup(MemberCategory, MEMBER_CATEGORY_WORDS)
        self.username_validator = UnicodeUsernameValidator()
        self.rows: list[_PersonRow] = []

    def run(self) -> ImportResult:
        self.read_rows()
        org_codes = sorted({row.home_org_code for row in self.rows})
        orgs: dict[str, Org] = {}
        for chunk in _chunks(org_codes):
            orgs.update((org.code, org) for org in Org.objects.filter(code__in=chunk).only("pk", "code", "path"))
        existing: dict[str, User] = {}
        usernames = sorted(row.username for row in self.rows if row.username_ok)
        for chunk in _chunks(usernames):
            existing.update(
                (person.username, person)
                for person in User.objects.filter(username__in=chunk)
                .select_related("home_org")
                .only("pk", "username", "is_superuser", "home_org__code", "home_org__path", *PERSON_IMPORT_FIELDS)
            )
        creates: list[tuple[_PersonRow, Org]] = []
        updates: list[tuple[User, Org, dict[str, list[Any]]]] = []
        unchanged = 0
        for row in self.rows:
            org = self.check_org(row, orgs)
            person = existing.get(row.username) if row.username_ok else None
            if person is not None and not self.may_change(person):
                self.check.add(
                    row.row, "username", _("You may not change the person “%(username)s”.") % {"username": row.username}
                )
                continue
            if org is None or row.row in self.check.bad_rows:
                continue
            if not self.check_member(row, person=person):
                continue
            if person is None:
                creates.append((row, org))
                continue
            diff = {
                key: [getattr(person, key), value] for key, value in row.values.items() if getattr(person, key) != value
            }
            if person.home_org_id != org.pk:
                diff["home_org"] = [person.home_org.code if person.home_org else "", org.code]
            if diff:
                updates.append((person, org, diff))
            else:
                unchanged += 1
        if self.check.problems:
            return ImportResult(errors=self.check.problems, dry_run=self.dry_run)
        result = ImportResult(created=len(creates), updated=len(updates), unchanged=unchanged, dry_run=self.dry_run)
        if not self.dry_run:
            self.write(creates, updates)
            audit_import(
                self.acting_user, what="orgs.people", rows=result.created + result.updated, filename=self.filename
            )
        return result

    def read_rows(self) -> None:
        header, check = self.header, self.check
        seen: dict[str, int] = {}
        category_words = [words[0] for words in MEMBER_CATEGORY_WORDS.values()]
        for row in header.data_rows():
            username = header.text(row, "username", simplify=False)
            fine = check.required(row, "username", username, 150) and check.unique(row, "username", username, seen)
            if fine:
                try:
                    self.username_validator(username)
                except ValidationError:
                    check.add(
                        row,
                        "username",
                        _("“%(value)s” is not a valid account name: use letters, digits and @ . + - _ only.")
                        % {"value": username},
                    )
                    fine = False
            values: dict[str, Any] = {"real_name": header.text(row, "real_name")}
            check.required(row, "real_name", values["real_name"], 50)
            home_org_code = header.text(row, "home_org", simplify=False)
            check.required(row, "home_org", home_org_code, 40)
            if header.has("mobile"):
                values["mobile"] = self.mobile(row)
            if header.has("is_party_member"):
                raw = header.value(row, "is_party_member")
                member = cell_yes_no(raw) if cell_text(raw) else False
                if member is None:
                    check.add(
                        row,
                        "is_party_member",
                        _("“%(value)s” is not a yes or no; write Yes or No.") % {"value": cell_text(raw)},
                    )
                values["is_party_member"] = bool(member)
            if header.has("member_category"):
                category = check.choice(
                    row,
                    "member_category",
                    self.categories,
                    _("Unknown member category “%(value)s”; write one of: %(choices)s."),
                    category_words,
                )
                values["member_category"] = category or ""
            if header.has("position"):
                values["position"] = header.text(row, "position")
                check.length(row, "position", values["position"], 60)
            if header.has("email"):
                values["email"] = self.email(row)
            self.rows.append(
                _PersonRow(row=row, username=username, home_org_code=home_org_code, values=values, username_ok=fine)
            )

    def mobile(self, row: int) -> str:
        raw = self.header.value(row, "mobile")
        digits = cell_digits(raw)
        if digits.startswith("+86"):
            digits = digits[3:]
        elif len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        if digits and not MOBILE.match(digits):
            self.check.add(
                row,
                "mobile",
                _("The mobile number “%(value)s” is not a valid 11-digit mobile number.")
                % {"value": cell_text(raw, simplify=False)},
            )
        return digits

    def email(self, row: int) -> str:
        email = self.header.text(row, "email", simplify=False)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.check.add(row, "email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})
        return email

    def check_org(self, row: _PersonRow, orgs: dict[str, Org]) -> Org | None:
        if not row.home_org_code:
            return None
        org = orgs.get(row.home_org_code)
        if org is None:
            self.check.add(row.row, "home_org", _("The unit “%(code)s” does not exist.") % {"code": row.home_org_code})
            return None
        if not holds_role_over(self.acting_user, org, PEOPLE_EDITING_ROLES):
            self.check.add(
                row.row,
                "home_org",
                _("You may not add or change people in the unit “%(code)s”.") % {"code": row.home_org_code},
            )
            return None
        return org

    def may_change(self, person: User) -> bool:
        """People are changed by those who may edit people at their unit; accounts of the
        installer's kind (superusers) and people without a unit only by a superuser."""
        if _is_superuser(self.acting_user):
            return True
        if person.is_superuser or person.home_org is None:
            return False
        return holds_role_over(self.acting_user, person.home_org, PEOPLE_EDITING_ROLES)

    def check_member(self, row: _PersonRow, *, person: User | None) -> bool:
        """A member category needs a party member; leaving the party clears it. Without a
        是否党员 column, a category says the person is a member."""
        values = row.values
        category = values.get("member_category", person.member_category if person else "")
        if "is_party_member" not in values and category:
            values["is_party_member"] = True
        member = values.get("is_party_member", person.is_party_member if person else False)
        if not member and category:
            if values.get("member_category"):
                self.check.add(row.row, "member_category", _("Only party members have a member category."))
                return False
            values["member_category"] = ""
        return True

    def write(
        self, creates: list[tuple[_PersonRow, Org]], updates: list[tuple[User, Org, dict[str, list[Any]]]]
    ) -> None:
        actor = _actor(self.acting_user)
        people = []
        for row, org in creates:
            fields = {key: value for key, value in row.values.items() if key in PERSON_IMPORT_FIELDS}
            people.append(User(username=row.username, home_org=org, password=make_password(None), **fields))
        User.objects.bulk_create(people, batch_size=500)
        changed = []
        for person, org, diff in updates:
            for key, (_old, new) in diff.items():
                if key != "home_org":
                    setattr(person, key, new)
            person.home_org = org
            changed.append(person)
        User.objects.bulk_update(changed, [*PERSON_IMPORT_FIELDS, "home_org"], batch_size=500)
        ids: dict[str, int] = {}
        for chunk in _chunks(sorted(row.username for row, _org in creates)):
            ids.update(User.objects.filter(username__in=chunk).values_list("username", "pk"))
        events = [(person.pk, org.pk, diff) for person, org, diff in updates]
        events += [
            (
                ids[row.username],
                org.pk,
                {"username": row.username, **row.values, "home_org": org.code},
            )
            for row, org in creates
        ]
        _events(model=User, rows=events, actor=actor, comment=self.filename)
