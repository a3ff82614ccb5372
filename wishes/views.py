"""Office and member pages of micro-wishes and micro-projects: the wall with its tabs, an
item with its photos and timeline, and one form per step. Views parse and authorise
(through the selectors' scope and the workflow's rights); services change state."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import add_domain_error
from core.pagination import keyset_page
from orgs.models import grant_paths
from orgs.permissions import has_any_role
from wishes import selectors, services
from wishes.choices import WishSource, WishStatus
from wishes.forms import ConfirmForm, FulfilForm, ProjectClaimForm, ProjectForm, ReasonForm, WishPostForm
from wishes.models import CARETAKER_ROLES, ORG_CLAIMING_ROLES, MicroProject, Wish

PAGE_SIZE = 40
TABS = ("all", *WishStatus.values)


def _list(request: HttpRequest, items: Any, template: str, extra: dict[str, Any]) -> HttpResponse:
    counts = selectors.status_counts(items)
    tab = request.GET.get("status", WishStatus.POSTED if counts.get(WishStatus.POSTED) else "all")
    if tab not in TABS:
        tab = "all"
    if tab != "all":
        items = items.filter(status=tab)
    page = keyset_page(items, key="created_at", descending=True, cursor=request.GET.get("after"), size=PAGE_SIZE)
    tabs = [("all", _("All")), *WishStatus.choices]
    context = {
        "page": page,
        "counts": counts,
        "tab": tab,
        "tabs": [(value, label, counts.get(value, 0)) for value, label in tabs],
        "today": timezone.localdate(),
        **extra,
    }
    return render(request, template, context)


@login_required
def wish_list(request: HttpRequest) -> HttpResponse:
    """The wall of the communities the user works in (members: theirs), by status."""
    wishes = selectors.wishes_visible(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    if request.GET.get("mine"):
        wishes = wishes.filter(owner_id=request.user.pk)
    can_add = request.user.is_superuser or has_any_role(request.user, CARETAKER_ROLES)
    return _list(request, wishes, "wishes/wish_list.html", {"can_add": can_add, "mine": bool(request.GET.get("mine"))})


def _wish(request: HttpRequest, pk: int) -> Wish:
    wish = selectors.wishes_visible(user=request.user).filter(pk=pk).first()
    if wish is None:
        raise Http404
    return wish


def _detail_context(request: HttpRequest, item: Any) -> dict[str, Any]:
    transitions = {t.name for t in type(item).workflow.available(item, request.user)}
    return {
        "item": item,
        "transitions": transitions,
        "events": selectors.item_timeline(item)[:100],
        "photos": selectors.item_photos(item),
        "fulfil_form": FulfilForm(),
        "confirm_form": ConfirmForm(rating_required=False),
        "reason_form": ReasonForm(),
        "today": timezone.localdate(),
    }


@login_required
def wish_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wish = _wish(request, pk)
    return render(request, "wishes/wish_detail.html", _detail_context(request, wish))


@login_required
def wish_create(request: HttpRequest) -> HttpResponse:
    """A clerk enters a wish heard at the door or on the phone (no captcha)."""
    form = WishPostForm(request.POST or None, captcha=False, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            wish = services.wish_post(source=WishSource.STAFF, acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The wish is on the wall. Its query code is %(code)s.") % {"code": wish.query_code}
            )
            return redirect(wish)
    return render(request, "wishes/wish_form.html", {"form": form})


def _act(request: HttpRequest, item: Any, move: Any, success: str) -> HttpResponse:
    """Run one service for a posted form; errors come back as messages on the item."""
    try:
        move()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(item)


@login_required
@require_POST
def wish_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _item_action(request, _wish(request, pk), action)


def _item_action(request: HttpRequest, item: Any, action: str) -> HttpResponse:
    expected = request.POST.get("expected_status") or None
    user = request.user
    if action == "claim":
        if isinstance(item, MicroProject):
            form = ProjectClaimForm(request.POST, user=user)
            if not form.is_valid():
                messages.error(request, _("Pick the org that takes the project on."))
                return redirect(item)
            org = form.cleaned_data["claimant_org"]
            return _act(
                request,
                item,
                lambda: services.item_claim(item=item, acting_user=user, claimant_org=org, expected_status=expected),
                _("Claimed. Fulfil it by the deadline shown."),
            )
        return _act(
            request,
            item,
            lambda: services.item_claim(item=item, acting_user=user, expected_status=expected),
            _("Claimed. Fulfil it by the deadline shown."),
        )
    if action == "fulfil":
        form = FulfilForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Add at least one photo of the wish fulfilled."))
            return redirect(item)
        data = form.cleaned_data
        return _act(
            request,
            item,
            lambda: services.item_fulfil(
                item=item, acting_user=user, photos=data["photos"], note=data["note"], expected_status=expected
            ),
            _("Reported fulfilled; waiting for confirmation."),
        )
    if action == "confirm":
        form = ConfirmForm(request.POST, rating_required=False)
        if not form.is_valid():
            messages.error(request, _("A rating is from 1 to 5 stars."))
            return redirect(item)
        data = form.cleaned_data
        return _act(
            request,
            item,
            lambda: services.item_confirm(
                item=item,
                acting_user=user,
                rating=data["rating"] or None,
                thanks=data["thanks"],
                expected_status=expected,
            ),
            _("Confirmed."),
        )
    if action in {"release", "withdraw"}:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please give a reason."))
            return redirect(item)
        service = services.item_release if action == "release" else services.item_withdraw
        comment = form.cleaned_data["comment"]
        return _act(
            request,
            item,
            lambda: service(item=item, acting_user=user, comment=comment, expected_status=expected),
            _("Done."),
        )
    raise Http404


@login_required
def photo(request: HttpRequest, kind: str, pk: int, attachment_id: int) -> FileResponse:
    """A photo of an item the user can see (members cannot use the office's attachment
    page, which needs a reading role)."""
    if kind == "wish":
        item: Any = _wish(request, pk)
    else:
        item = _project(request, pk)
    attachment = get_object_or_404(selectors.item_photos(item), pk=attachment_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.media_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.projects_visible(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    can_add = request.user.is_superuser or has_any_role(request.user, CARETAKER_ROLES)
    return _list(request, projects, "wishes/project_list.html", {"can_add": can_add})


def _project(request: HttpRequest, pk: int) -> MicroProject:
    project = selectors.projects_visible(user=request.user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    context = _detail_context(request, project)
    context["claim_form"] = ProjectClaimForm(user=request.user)
    context["can_claim_for_org"] = bool(grant_paths(request.user, ORG_CLAIMING_ROLES)) or request.user.is_superuser
    return render(request, "wishes/project_detail.html", context)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The micro-project is open for an org to claim."))
            return redirect(project)
    return render(request, "wishes/project_form.html", {"form": form})


@login_required
@require_POST
def project_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _item_action(request, _project(request, pk), action)
