"""Office pages of the public's suggestions: the list by status, one submission with its
triage (similar earlier ones, the proposed owner and why, route / duplicate / problem /
answer), the clerk's entry, the Excel import and the community closure rates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import add_domain_error
from core.pagination import keyset_page
from core.scoping import subtree_q
from intake import selectors, services
from intake.choices import IntakeChannel, SuggestionStatus
from intake.forms import AnswerForm, DuplicateForm, ImportForm, ProblemForm, ReasonForm, RouteForm, SuggestionStaffForm
from intake.importers import import_suggestions, template_xlsx
from intake.models import TRIAGE_ROLES, Suggestion
from orgs.choices import READING_ROLES
from orgs.models import grant_paths
from orgs.permissions import has_any_role

PAGE_SIZE = 50
TABS = ("all", *SuggestionStatus.values)


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    suggestions = selectors.suggestions_visible(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    channel = request.GET.get("channel", "")
    if channel in IntakeChannel.values:
        suggestions = suggestions.filter(channel=channel)
    counts = {row["status"]: row["n"] for row in _grouped(suggestions)}
    counts["all"] = sum(counts.values())
    tab = request.GET.get("status", SuggestionStatus.RECEIVED if counts.get(SuggestionStatus.RECEIVED) else "all")
    if tab not in TABS:
        tab = "all"
    if tab != "all":
        suggestions = suggestions.filter(status=tab)
    page = keyset_page(suggestions, key="created_at", descending=True, cursor=request.GET.get("after"), size=PAGE_SIZE)
    context = {
        "page": page,
        "tab": tab,
        "tabs": [
            (value, label, counts.get(value, 0)) for value, label in [("all", _("All")), *SuggestionStatus.choices]
        ],
        "channels": IntakeChannel.choices,
        "channel": channel,
        "can_add": request.user.is_superuser or has_any_role(request.user, TRIAGE_ROLES),
    }
    return render(request, "intake/suggestion_list.html", context)


def _grouped(suggestions: Any) -> Any:
    from django.db.models import Count

    return suggestions.order_by().values("status").annotate(n=Count("pk"))


def _suggestion(request: HttpRequest, pk: int) -> Suggestion:
    suggestion = selectors.suggestions_visible(user=request.user).filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion


@login_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One submission and its triage: what is similar, whom Taizhang proposes, the steps."""
    suggestion = _suggestion(request, pk)
    transitions = {t.name for t in Suggestion.workflow.available(suggestion, request.user)}
    proposals = selectors.owner_proposals(suggestion) if {"route"} & transitions else []
    initial_org = proposals[0].org.pk if proposals else suggestion.org_id
    context = {
        "item": suggestion,
        "transitions": transitions,
        "similar": selectors.similar_earlier(suggestion) if "mark_duplicate" in transitions else [],
        "proposals": proposals,
        "route_form": RouteForm(community=suggestion.community, initial={"org": initial_org}),
        "answer_form": AnswerForm(),
        "problem_form": ProblemForm(
            user=request.user,
            community=suggestion.community,
            initial={"title": suggestion.title, "org": suggestion.org_id},
        ),
        "reason_form": ReasonForm(),
        "events": _events(suggestion),
        "today": timezone.localdate(),
    }
    return render(request, "intake/suggestion_detail.html", context)


def _events(suggestion: Suggestion) -> Any:
    from core.services import item_events

    return item_events(suggestion)[:100]


def _done(request: HttpRequest, suggestion: Suggestion, move: Any, success: str) -> HttpResponse:
    try:
        move()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(suggestion)


@login_required
@require_POST
def suggestion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One triage step, posted from the detail page."""
    suggestion = _suggestion(request, pk)
    user = request.user
    expected = request.POST.get("expected_status") or None
    if action == "route":
        form = RouteForm(request.POST, community=suggestion.community)
        if not form.is_valid():
            messages.error(request, _("Pick the owner org."))
            return redirect(suggestion)
        data = form.cleaned_data
        return _done(
            request,
            suggestion,
            lambda: services.suggestion_route(
                suggestion=suggestion,
                acting_user=user,
                org=data["org"],
                comment=data["comment"],
                expected_status=expected,
            ),
            _("Routed to %(org)s.") % {"org": data["org"].name},
        )
    if action == "answer":
        form = AnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the reply."))
            return redirect(suggestion)
        reply = form.cleaned_data["reply"]
        return _done(
            request,
            suggestion,
            lambda: services.suggestion_answer(
                suggestion=suggestion, acting_user=user, reply=reply, expected_status=expected
            ),
            _("Answered; the submitter reads the reply with the query code."),
        )
    if action == "mark_duplicate":
        form = DuplicateForm(request.POST)
        earlier = None
        if form.is_valid():
            earlier = selectors.suggestions_visible(user=user).filter(pk=form.cleaned_data["duplicate_of"]).first()
        if earlier is None:
            messages.error(request, _("Pick the earlier submission it repeats."))
            return redirect(suggestion)
        return _done(
            request,
            suggestion,
            lambda: services.suggestion_mark_duplicate(
                suggestion=suggestion, acting_user=user, duplicate_of=earlier, expected_status=expected
            ),
            _("Marked as a repeat."),
        )
    if action == "to_problem":
        form = ProblemForm(request.POST, user=user, community=suggestion.community)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(suggestion)
        data = form.cleaned_data
        return _done(
            request,
            suggestion,
            lambda: services.suggestion_to_problem(
                suggestion=suggestion, acting_user=user, expected_status=expected, **data
            ),
            _("Entered in the problem ledger."),
        )
    if action == "reopen":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please give a reason."))
            return redirect(suggestion)
        comment = form.cleaned_data["comment"]
        return _done(
            request,
            suggestion,
            lambda: services.suggestion_reopen(
                suggestion=suggestion, acting_user=user, comment=comment, expected_status=expected
            ),
            _("Reopened."),
        )
    raise Http404


@login_required
def suggestion_create(request: HttpRequest) -> HttpResponse:
    """A clerk enters a submission from the hotline, a letter, the opinion box…"""
    form = SuggestionStaffForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = services.suggestion_submit(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Recorded. Give the submitter the query code %(code)s.") % {"code": suggestion.query_code},
            )
            return redirect(suggestion)
    return render(request, "intake/suggestion_form.html", {"form": form})


@login_required
def suggestion_import(request: HttpRequest) -> HttpResponse:
    """Upload the clerk's sheet: check it (nothing written) or import it, all or nothing."""
    if not (request.user.is_superuser or has_any_role(request.user, TRIAGE_ROLES)):
        raise DjangoPermissionDenied
    if request.GET.get("template"):
        response = HttpResponse(
            template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="suggestions-template.xlsx"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_suggestions(
            data=upload.read(),
            filename=upload.name,
            acting_user=request.user,
            dry_run=request.POST.get("dry_run") == "1",
        )
        if result.ok and not result.dry_run:
            messages.success(request, _("%(count)s submissions imported.") % {"count": result.created})
            return redirect("intake:suggestion_list")
    return render(request, "intake/import.html", {"form": form, "result": result})


@login_required
def closure(request: HttpRequest) -> HttpResponse:
    """The share of requests closed at community level, per community and per street."""
    paths = grant_paths(request.user, READING_ROLES)
    scope_q = subtree_q(paths, field="community__path")
    scope = request.scope_org  # type: ignore[attr-defined]
    if scope is not None:
        scope_q &= subtree_q([scope.path], field="community__path")
    context = {
        "communities": selectors.closure_rows(scope_q=scope_q),
        "streets": selectors.closure_rows(scope_q=scope_q, group="street"),
    }
    return render(request, "intake/closure.html", context)
