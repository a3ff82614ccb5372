"""Ledger import and export pages: upload a ledger, watch its check or import run in the
background (the page polls with HTMX and may be left and come back to), import for real
after a clean check; download the template; export what the ledger list shows.

Views parse and authorise; ``rectification.importers`` queues and runs the work.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit.services import audit_export
from campaigns.models import Campaign
from core.errors import DomainError
from core.forms import BootstrapFormMixin, add_domain_error
from core.models import ImportJob
from core.personal import PersonalExport
from rectification.exporters import export_ledger, ledger_template
from rectification.importers import LEDGER_IMPORT, ledger_import_confirm, ledger_import_queue, may_import
from rectification.selectors import ledger_filterset

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 10


class LedgerImportForm(BootstrapFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    file = forms.FileField(
        label=_("Ledger file"), help_text=_(".xlsx, .xls, .ods or .csv (UTF-8 or GBK), laid out like the template.")
    )
    dry_run = forms.BooleanField(label=_("Only check the file, import nothing yet"), required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user).active().select_related("org")


def _download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


def _job_of(request: HttpRequest, pk: int) -> ImportJob:
    """The ledger import job ``pk`` if the user started it (or is a superuser), else 404."""
    jobs = ImportJob.objects.filter(kind=LEDGER_IMPORT).select_related("campaign")
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user)
    job = jobs.filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload form and the person's recent imports."""
    if not may_import(request.user):
        raise PermissionDenied
    form = LedgerImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = ledger_import_queue(
                acting_user=request.user,
                campaign=form.cleaned_data["campaign"],
                file=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("ledger_import:job", pk=job.pk)
    jobs = ImportJob.objects.filter(kind=LEDGER_IMPORT, created_by=request.user).select_related("campaign")
    return render(request, "rectification/import.html", {"form": form, "jobs": jobs[:RECENT_JOBS]})


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's page; with HTMX only its progress and result (polled every second until
    the job has finished)."""
    job = _job_of(request, pk)
    context = {"job": job, "result": job.result or {}}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "rectification/partials/import_progress.html", context)
    return render(request, "rectification/import.html", context)


@require_POST
@login_required
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Import for real the file of a clean check."""
    job = _job_of(request, pk)
    try:
        new_job = ledger_import_confirm(job=job, acting_user=request.user)
    except DomainError:
        return redirect("ledger_import:job", pk=job.pk)
    return redirect("ledger_import:job", pk=new_job.pk)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    return _download(ledger_template(), "问题整改台账模板.xlsx")


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    """Exactly what the ledger list shows with the same filters, in the user's scope."""
    scope = getattr(request, "scope_org", None)
    filterset = ledger_filterset(request.GET, user=request.user, scope=scope, every_row=True)
    name = f"问题整改台账{timezone.localdate():%Y%m%d}.xlsx"
    personal = PersonalExport.for_user(request.user)
    content = export_ledger(filterset.qs, personal=personal)
    filters = {key: value for key, value in request.GET.items()}
    audit_export(
        request.user, what="rectification.ledger", rows=filterset.qs.count(), personal=personal.full, filters=filters
    )
    return _download(content, name)
