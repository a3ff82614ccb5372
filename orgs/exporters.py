"""Export the org tree and its people as .xlsx files that import again unchanged.

The columns are those ``orgs.importers`` reads, under their Chinese headers; kinds and
member categories are written as the Chinese words offices use. Each export is one query
over the given (already scoped and filtered) queryset, plus one for parents outside it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from core.personal import PersonalExport
from core.scoping import PATH_STEP
from core.spreadsheets import xlsx_write
from orgs.importers import CHUNK, ORG_COLUMNS, PEOPLE_COLUMNS, kind_word, member_category_word
from orgs.models import Org, User

ORG_SHEET = "单位"
PEOPLE_SHEET = "人员"
YES, NO = "是", "否"


def export_orgs(queryset: QuerySet[Org]) -> bytes:
    """The orgs of ``queryset`` as an .xlsx file, parents before children.

    The parent's code comes from the path: from the rows already written, or for the tops
    of the exported part of the tree from one query, so a subtree exports with its place
    in the tree and imports again as updates.
    """
    rows: list[list[str]] = []
    code_by_path: dict[str, str] = {}
    parent_paths: list[str] = []
    fields = ("path", "depth", "code", "name", "kind", "short_name")
    for path, depth, code, name, kind, short_name in queryset.order_by("path").values_list(*fields).iterator():
        code_by_path[path] = code
        parent_path = path[:-PATH_STEP] if depth > 1 else ""
        parent_paths.append(parent_path)
        rows.append([code, name, "", kind_word(kind), short_name])
    missing = sorted({path for path in parent_paths if path and path not in code_by_path})
    for start in range(0, len(missing), CHUNK):
        code_by_path.update(Org.objects.filter(path__in=missing[start : start + CHUNK]).values_list("path", "code"))
    for row, parent_path in zip(rows, parent_paths, strict=True):
        row[2] = code_by_path.get(parent_path, "") if parent_path else ""
    return xlsx_write(header=[column.label for column in ORG_COLUMNS], rows=rows, sheet=ORG_SHEET)


def export_people(queryset: QuerySet[User], *, personal: PersonalExport) -> bytes:
    """The people of ``queryset`` as an .xlsx file, by unit and account name; names,
    mobiles and e-mails masked unless ``personal`` lets the user take them out."""
    fields = (
        "username",
        "real_name",
        "mobile",
        "home_org__code",
        "home_org__path",
        "is_party_member",
        "member_category",
        "position",
        "email",
    )
    rows = [
        [
            username,
            personal.value(real_name, org=home_org_path or ""),
            personal.value(mobile, kind="phone", org=home_org_path or ""),
            home_org_code or "",
            YES if is_party_member else NO,
            member_category_word(member_category),
            position,
            personal.value(email, kind="email", org=home_org_path or ""),
        ]
        for (
            username,
            real_name,
            mobile,
            home_org_code,
            home_org_path,
            is_party_member,
            member_category,
            position,
            email,
        ) in queryset.order_by("home_org__path", "username").values_list(*fields).iterator()
    ]
    return xlsx_write(header=[column.label for column in PEOPLE_COLUMNS], rows=rows, sheet=PEOPLE_SHEET)
