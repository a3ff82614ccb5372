"""The audit administrator's pages: the log with its filters, one entry, the export.

Everyone else gets 403 on the list and the export, 404 on an entry (whose existence is
not theirs to learn); reads go through ``AuditEntry.objects.visible_to``.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit import selectors
from audit.exporters import export_entries
from audit.filters import AuditEntryFilterSet
from audit.labels import action_label, changes_summary, entry_time, object_type_label
from audit.models import Category
from audit.services import audit_export
from core.pagination import keyset_page

PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_auditor(request: HttpRequest) -> None:
    if not selectors.may_read_log(request.user):
        raise PermissionDenied


def _filtered(request: HttpRequest) -> AuditEntryFilterSet:
    return AuditEntryFilterSet(request.GET, queryset=selectors.entries_visible(user=request.user))


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    """The log, newest first, in keyset pages; the counts are of the filtered rows."""
    _require_auditor(request)
    filterset = _filtered(request)
    entries = filterset.qs
    # Keyset pages on (created_at, id): page 500 of a half-year's log costs what page 1 does.
    page = keyset_page(entries, key="created_at", descending=True, cursor=request.GET.get("after"), size=PAGE_SIZE)
    counts = selectors.category_counts(entries)
    rows = [
        {
            "entry": entry,
            "time": entry_time(entry.created_at),
            "action": action_label(entry.action, entry.object_type),
            "object_type": object_type_label(entry.object_type),
            "changes": changes_summary(entry.changes, entry.object_type),
        }
        for entry in page
    ]
    return render(
        request,
        "audit/entry_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "total": sum(counts.values()),
            "counts": [(label, counts.get(value, 0)) for value, label in Category.choices if counts.get(value)],
        },
    )


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_detail(user=request.user, pk=pk) if selectors.may_read_log(request.user) else None
    if entry is None:
        raise Http404
    return render(
        request,
        "audit/entry_detail.html",
        {
            "entry": entry,
            "time": entry_time(entry.created_at),
            "action": action_label(entry.action, entry.object_type),
            "object_type": object_type_label(entry.object_type),
            "changes": changes_summary(entry.changes, entry.object_type),
            "changes_json": json.dumps(entry.changes, ensure_ascii=False, indent=2, sort_keys=True),
        },
    )


@login_required
def entry_export(request: HttpRequest) -> HttpResponse:
    """Exactly the filtered rows as .xlsx; the export is itself an entry of the log."""
    _require_auditor(request)
    filterset = _filtered(request)
    data, rows = export_entries(filterset.qs)
    filters = {key: value for key, value in request.GET.items() if key in filterset.filters and value}
    # Names of accounts and addresses are personal data of the people in the log.
    audit_export(request.user, what="audit.entries", rows=rows, personal=True, filters=filters)
    response = HttpResponse(data, content_type=XLSX)
    name = f"审计日志{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
