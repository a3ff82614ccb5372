"""Public pages: no login, phone first, no personal data; and the office's list of what
is published."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.context_processors import app_templates
from core.errors import DomainError
from core.models import TrackedItem
from core.pagination import keyset_page
from public import services
from public.models import Publication
from public.selectors import live_publications, public_progress

PAGE_SIZE = 20


def start(request: HttpRequest) -> HttpResponse:
    """The public start page: one tile per app that has public pages."""
    return render(request, "public/start.html", {"public_menus": app_templates("_public_menu.html")})


def progress_list(request: HttpRequest) -> HttpResponse:
    """Published items with status, progress and last update, newest first."""
    page = keyset_page(
        live_publications(), key="published_at", descending=True, cursor=request.GET.get("after"), size=PAGE_SIZE
    )
    return render(request, "public/progress_list.html", {"page": page, "entries": public_progress(page.rows)})


def progress_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = live_publications().filter(pk=pk).first()
    entries = public_progress([publication]) if publication is not None else []
    if not entries:
        raise Http404
    return render(request, "public/progress_detail.html", {"entry": entries[0]})


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def publish(request: HttpRequest, content_type_id: int, object_id: int) -> HttpResponse:
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None or not issubclass(model, TrackedItem):
        raise Http404
    item = model.objects.visible_to(request.user).select_related("org").filter(pk=object_id).first()
    if item is None:
        raise Http404
    try:
        services.publication_publish(
            item=item,
            acting_user=request.user,
            public_title=request.POST.get("public_title", ""),
            summary=request.POST.get("summary", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The item is published on the public progress page."))
    return redirect(_next(request, item.get_absolute_url()))


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    publication = Publication.objects.visible_to(request.user).filter(pk=pk).first()
    if publication is None:
        raise Http404
    try:
        services.publication_withdraw(
            publication=publication, acting_user=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The item was taken off the public page."))
    return redirect(_next(request, "public:manage"))


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The office's list of publications in the user's scope, live first."""
    publications = Publication.objects.visible_to(request.user).select_related("org", "published_by", "content_type")
    scope = getattr(request, "scope_org", None)
    if scope is not None:
        publications = publications.within(scope)
    live = request.GET.get("state", "live") != "withdrawn"
    publications = publications.filter(withdrawn_at__isnull=live)
    page = keyset_page(publications, key="published_at", descending=True, cursor=request.GET.get("after"), size=50)
    return render(request, "public/manage.html", {"page": page, "live": live})
