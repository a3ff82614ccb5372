"""Bulletin pages: the archive, a new draft, the draft's edit, issue, the printable page and
the Word file; and the public copies (issued only, without personal data)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bulletins import services
from bulletins.choices import BulletinKind, BulletinStatus
from bulletins.documents import docx_response
from bulletins.forms import DraftForm, EditForm
from bulletins.models import Bulletin
from bulletins.presenters import layout
from bulletins.selectors import bulletins_public, bulletins_visible
from core.errors import DomainError
from core.services import item_events
from orgs.choices import READING_ROLES, Role
from orgs.permissions import has_any_role

ACTION_LABELS = {
    "created": gettext_lazy("Draft made"),
    "updated": gettext_lazy("Draft edited"),
    "bulletin_regenerated": gettext_lazy("Figures taken again"),
    "bulletin_issued": gettext_lazy("Bulletin issued"),
}


def paginate(request: HttpRequest, queryset) -> Page:  # type: ignore[no-untyped-def]
    """Bulletins are a few a week per org: plain numbered pages are enough."""
    return Paginator(queryset, 30).get_page(request.GET.get("page"))


def _campaigns(user):  # type: ignore[no-untyped-def]
    from campaigns.selectors import campaigns_visible

    return campaigns_visible(user=user)


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    """Issued bulletins in scope (drafts too for supervisors), and the form for a new draft."""
    if not request.user.is_superuser and not has_any_role(request.user, READING_ROLES):
        raise PermissionDenied
    bulletins = bulletins_visible(user=request.user)
    scope_org = request.scope_org  # type: ignore[attr-defined]
    if scope_org is not None:
        bulletins = bulletins.within(scope_org)
    kind = request.GET.get("kind", "")
    if kind in BulletinKind.values:
        bulletins = bulletins.filter(kind=kind)
    status = request.GET.get("status", "")
    if status in BulletinStatus.values:
        bulletins = bulletins.filter(status=status)
    may_draft = request.user.is_superuser or has_any_role(request.user, [Role.SUPERVISOR])
    form = None
    if may_draft:
        initial_org = scope_org.code if scope_org is not None else getattr(request.user.home_org, "code", "")
        form = DraftForm(user=request.user, campaigns=_campaigns(request.user), initial={"org": initial_org})
    return render(
        request,
        "bulletins/list.html",
        {
            "page": paginate(request, bulletins.order_by("-as_of", "-id")),
            "form": form,
            "kinds": BulletinKind.choices,
            "statuses": BulletinStatus.choices,
        },
    )


@login_required
@require_POST
def bulletin_create(request: HttpRequest) -> HttpResponse:
    form = DraftForm(request.POST, user=request.user, campaigns=_campaigns(request.user))
    if form.is_valid():
        try:
            bulletin = services.bulletin_draft(
                org=form.cleaned_data["org"],
                kind=form.cleaned_data["kind"],
                as_of=form.cleaned_data["as_of"],
                campaign=form.cleaned_data["campaign"],
                acting_user=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The draft is ready; check and edit it, then issue it."))
            return redirect(bulletin)
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
    return redirect("bulletins:list")


def _visible(request: HttpRequest, pk: int) -> Bulletin:
    return get_object_or_404(bulletins_visible(user=request.user), pk=pk)


@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The bulletin as it prints, with the edit form and actions while it is a draft."""
    bulletin = _visible(request, pk)
    may_edit = not bulletin.is_issued and services.may_edit_bulletins(request.user, bulletin.org)
    form = None
    if may_edit:
        form = EditForm(
            initial={field: getattr(bulletin, field) for field in services.EDITABLE_FIELDS},
        )
    return render(
        request,
        "bulletins/detail.html",
        {
            "bulletin": bulletin,
            "layout": layout(bulletin),
            "form": form,
            "may_edit": may_edit,
            "events": [(event, ACTION_LABELS.get(event.action, event.action)) for event in item_events(bulletin)],
            "failed": bulletin.figures.get("failed", []),
        },
    )


@login_required
@require_POST
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    form = EditForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect(bulletin)
    try:
        services.bulletin_update(bulletin=bulletin, acting_user=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The draft is saved."))
    return redirect(bulletin)


@login_required
@require_POST
def bulletin_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    try:
        services.bulletin_regenerate(bulletin=bulletin, acting_user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The figures were taken again and the generated text rewritten."))
    return redirect(bulletin)


@login_required
@require_POST
def bulletin_issue(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    try:
        services.bulletin_issue(bulletin=bulletin, acting_user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The bulletin is issued and archived."))
    return redirect(bulletin)


@login_required
def bulletin_download(request: HttpRequest, pk: int) -> HttpResponse:
    return docx_response(_visible(request, pk), public=False, user=request.user)


@login_required
def bulletin_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The bulletin alone on an A4 page, for the browser's print."""
    bulletin = _visible(request, pk)
    return render(request, "bulletins/print.html", {"bulletin": bulletin, "layout": layout(bulletin)})


# --- Public copies ------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "bulletins/public_list.html", {"page": paginate(request, bulletins_public())})


def _public(pk: int) -> Bulletin:
    bulletin = bulletins_public().filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _public(pk)
    return render(
        request, "bulletins/public_detail.html", {"bulletin": bulletin, "layout": layout(bulletin, public=True)}
    )


def public_download(request: HttpRequest, pk: int) -> HttpResponse:
    return docx_response(_public(pk), public=True)
