"""Ledger pages: the problem list, a problem with its measures and timeline, and the
forms of every workflow step. Views parse and authorise; services change state."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import add_domain_error
from core.pagination import keyset_page
from orgs.permissions import has_any_role, holds_role_over
from rectification import services
from rectification.choices import ClosureKind, ItemStatus, ListStatus, ProblemLevel
from rectification.filters import ProblemFilterSet
from rectification.forms import (
    ApproveForm,
    ClosureRequestForm,
    CommentForm,
    ExtensionForm,
    FindingForm,
    InspectionForm,
    MeasureForm,
    ProblemForm,
    ProgressForm,
    SpecialRectificationForm,
)
from rectification.models import (
    APPROVING_ROLES,
    FIXING_ROLES,
    ExtensionRequest,
    Inspection,
    Measure,
    Problem,
    ProblemList,
    SpecialRectification,
)
from rectification.permissions import CREATING_ROLES, may_decide_extension, may_report
from rectification.selectors import (
    ledger_filterset,
    problem_timeline,
    problems_visible,
    report_attachments,
    tab_counts,
    with_measure_counts,
)
from rectification.selectors import (
    problem_detail as select_problem,
)
from rectification.services import INSPECTING_ROLES

SORTS = {
    "deadline": ("sort_deadline", False),
    "-created": ("created_at", True),
    "-found": ("found_date", True),
}
PAGE_SIZE = 50


def _ledger_filterset(request: HttpRequest) -> ProblemFilterSet:
    return ledger_filterset(request.GET, user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    """The ledger: filters above, counts in the tabs, keyset pages of 50.

    A text search's tab counts come after its page (``problem_counts``, fetched by the
    tabs themselves): they read every row the search finds in scope (25,000 in a
    province, ~60 ms on SQLite), while the page needs its first 50."""
    filterset = _ledger_filterset(request)
    problems = filterset.qs
    sort = request.GET.get("sort", "deadline")
    key, descending = SORTS.get(sort, SORTS["deadline"])
    page = keyset_page(problems, key=key, descending=descending, cursor=request.GET.get("after"), size=PAGE_SIZE)
    with_measure_counts(page.rows)
    today = timezone.localdate()
    context = {
        "page": page,
        "today": today,
        "can_bulk": request.user.is_superuser or has_any_role(request.user, APPROVING_ROLES),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "rectification/partials/problem_rows.html", context)
    searching = bool(request.GET.get("q", "").strip())
    context |= {
        "filter": filterset,
        "counts": None
        if searching
        else tab_counts(user=request.user, scope=request.scope_org, filterset=filterset, today=today),  # type: ignore[attr-defined]
        "sort": sort,
        "can_add": request.user.is_superuser or has_any_role(request.user, CREATING_ROLES),
    }
    return render(request, "rectification/problem_list.html", context)


@login_required
def problem_counts(request: HttpRequest) -> HttpResponse:
    """The ledger's status tabs with their counts, for the list's filters (a search's
    tabs fetch them after the page)."""
    filterset = _ledger_filterset(request)
    counts = tab_counts(user=request.user, scope=request.scope_org, filterset=filterset)  # type: ignore[attr-defined]
    return render(request, "rectification/partials/status_tabs.html", {"counts": counts})


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = select_problem(user=request.user, pk=pk)
    if problem is None:
        raise Http404
    measures = list(problem.measures.all())
    context: dict[str, Any] = {
        "problem": problem,
        "measures": [(m, Measure.workflow.available(m, request.user)) for m in measures],
        "transitions": Problem.workflow.available(problem, request.user),
        "events": problem_timeline(problem)[:100],
        "attachments": report_attachments(problem),
        "extensions": ExtensionRequest.objects.filter(problem=problem).select_related("measure", "requested_by"),
        "today": timezone.localdate(),
        "can_decide_extension": may_decide_extension(user=request.user, problem=problem),
        "can_report": may_report(user=request.user, problem=problem),
    }
    return render(request, "rectification/problem_detail.html", context)


@login_required
def problem_create(request: HttpRequest) -> HttpResponse:
    form = ProblemForm(request.POST or None, user=request.user, initial={"found_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lines = [line.strip() for line in data.pop("measures").splitlines() if line.strip()]
        measures = [{"title": line, "deadline": data["deadline"]} for line in lines]
        try:
            problem = services.problem_create(acting_user=request.user, measures=measures, **data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The problem was added to the ledger."))
            return redirect(problem)
    return render(request, "rectification/problem_form.html", {"form": form})


def _target(problem: Problem, measure_id: int | None) -> Problem | Measure:
    """The problem itself, or one of its own measures (never another problem's)."""
    if not measure_id:
        return problem
    return get_object_or_404(Measure, pk=measure_id, problem=problem)


def _form_errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def problem_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every workflow step of a problem or one of its measures."""
    problem = select_problem(user=request.user, pk=pk)
    if problem is None:
        raise Http404
    user = request.user
    try:
        if action == "request_closure":
            form = ClosureRequestForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.item_request_closure(
                item=_target(problem, form.cleaned_data["measure"]),
                acting_user=user,
                evidence=form.cleaned_data["evidence"],
                comment=form.cleaned_data["comment"],
            )
        elif action == "approve_closure":
            form = ApproveForm(request.POST)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.item_approve_closure(
                item=_target(problem, form.cleaned_data["measure"]),
                acting_user=user,
                closure_kind=form.cleaned_data["closure_kind"],
                comment=form.cleaned_data["comment"],
            )
        elif action in ("send_back", "reopen"):
            form = CommentForm(request.POST)
            form.is_valid()
            service = services.item_send_back if action == "send_back" else services.item_reopen
            service(
                item=_target(problem, _int(request.POST.get("measure"))),
                acting_user=user,
                comment=form.cleaned_data.get("comment", ""),
            )
        elif action == "progress":
            form = ProgressForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.progress_report(
                item=_target(problem, form.cleaned_data["measure"]),
                acting_user=user,
                text=form.cleaned_data["text"],
                percent=form.cleaned_data["percent"],
                evidence=form.cleaned_data["evidence"],
            )
        elif action == "extension":
            form = ExtensionForm(request.POST)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.extension_request(
                item=_target(problem, form.cleaned_data["measure"]),
                acting_user=user,
                requested_deadline=form.cleaned_data["requested_deadline"],
                reason=form.cleaned_data["reason"],
            )
        elif action in ("extension_approve", "extension_refuse"):
            extension = get_object_or_404(ExtensionRequest, pk=_int(request.POST.get("extension")), problem=problem)
            services.extension_decide(
                extension=extension,
                acting_user=user,
                approve=action == "extension_approve",
                comment=request.POST.get("comment", ""),
            )
        elif action == "measure_add":
            form = MeasureForm(request.POST, user=user)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.measure_add(problem=problem, acting_user=user, **form.cleaned_data)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect(problem)


@login_required
@require_POST
def problem_bulk(request: HttpRequest) -> HttpResponse:
    """A supervisor approves or sends back several selected problems at once."""
    ids = [_int(value) for value in request.POST.getlist("problem")]
    problems = list(problems_visible(user=request.user).filter(pk__in=[i for i in ids if i]))
    action = request.POST.get("action", "")
    if not problems:
        messages.error(request, _("Select at least one problem."))
    else:
        try:
            count = services.problems_bulk_transition(
                problems=problems, action=action, acting_user=request.user, comment=request.POST.get("comment", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(count)s problems done.") % {"count": count})
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("rectification:problem_list")
    return redirect(target)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The ledger's figures for a subtree, a campaign, a date and a period, from the same
    registry the API and ``manage.py stats`` read."""
    from campaigns.selectors import campaigns_visible
    from core.statistics import ScopeNotFound, build_scope, collect

    params = request.GET
    scope_org = request.scope_org  # type: ignore[attr-defined]
    error = ""
    try:
        scope = build_scope(
            user=request.user,
            org=params.get("org") or (scope_org.code if scope_org else None),
            campaign=params.get("campaign") or None,
            date=params.get("date") or None,
            period_start=params.get("from") or None,
            period_end=params.get("to") or None,
        )
    except ScopeNotFound as problem:
        raise Http404 from problem
    except DomainError as problem:
        # A malformed date or period: keep the org and campaign asked for, default dates.
        error = problem.message
        fallback_org = params.get("org") or (scope_org.code if scope_org else None)
        try:
            scope = build_scope(user=request.user, org=fallback_org, campaign=params.get("campaign") or None)
        except DomainError:
            scope = build_scope(user=request.user, org=fallback_org)
    # The ledger's own figures only: the other apps' are on the dashboards.
    ledger = collect(scope, names=["rectification"]).get("rectification", {})
    problems = ledger.get("problems", {})
    status_chart = {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "70%"],
                "label": {"formatter": "{b} {c}"},
                "data": [
                    {"name": str(ItemStatus(status).label), "value": count}
                    for status, count in problems.get("by_status", {}).items()
                ],
            }
        ],
    }
    return render(
        request,
        "rectification/statistics.html",
        {
            "scope": scope,
            "error": error,
            "ledger": ledger,
            "campaigns": campaigns_visible(user=request.user),
            "status_chart": status_chart,
            "levels": dict(ProblemLevel.choices),
            "kinds": dict(ClosureKind.choices),
        },
    )


# --- Review rounds (三上三下) -------------------------------------------------------------


@login_required
def list_index(request: HttpRequest) -> HttpResponse:
    """Every unit's problem list in scope, where it stands in its review rounds."""
    lists = (
        ProblemList.objects.visible_to(request.user)
        .select_related("org", "campaign")
        .annotate(
            problem_count=Subquery(
                Problem.objects.filter(campaign=OuterRef("campaign"), org=OuterRef("org"))
                .order_by()
                .values("org")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            )
        )
        .order_by("status", "org__path")
    )
    scope = request.scope_org  # type: ignore[attr-defined]
    if scope is not None:
        lists = lists.within(scope)
    status = request.GET.get("status", "")
    if status in ListStatus.values:
        lists = lists.filter(status=status)
    in_scope = ProblemList.objects.visible_to(request.user)
    if scope is not None:
        in_scope = in_scope.within(scope)
    counts = dict(in_scope.values_list("status").annotate(n=Count("pk")).order_by())
    return render(
        request,
        "rectification/list_index.html",
        {"lists": lists[:500], "status": status, "statuses": ListStatus.choices, "counts": counts},
    )


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem_list = get_object_or_404(
        ProblemList.objects.visible_to(request.user).select_related("org", "campaign"), pk=pk
    )
    problems = (
        Problem.objects.filter(campaign=problem_list.campaign, org=problem_list.org)
        .annotate(measure_count=Count("measures"))
        .order_by("id")
    )
    return render(
        request,
        "rectification/list_detail.html",
        {
            "problem_list": problem_list,
            "rounds": problem_list.rounds.select_related("actor"),
            "problems": problems,
            "can_submit": problem_list.status in (ListStatus.DRAFTING, ListStatus.RETURNED)
            and holds_role_over(request.user, problem_list.org, FIXING_ROLES),
            "can_review": problem_list.status == ListStatus.SUBMITTED
            and holds_role_over(request.user, problem_list.org, APPROVING_ROLES, above=True),
        },
    )


@login_required
@require_POST
def list_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    problem_list = get_object_or_404(
        ProblemList.objects.visible_to(request.user).select_related("org", "campaign"), pk=pk
    )
    comment = request.POST.get("comment", "")
    try:
        if action == "submit":
            services.problem_list_submit(
                campaign=problem_list.campaign, org=problem_list.org, acting_user=request.user, comment=comment
            )
        elif action == "return":
            services.problem_list_return(problem_list=problem_list, acting_user=request.user, comment=comment)
        elif action == "accept":
            services.problem_list_accept(problem_list=problem_list, acting_user=request.user, comment=comment)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("rectification:list_detail", pk=problem_list.pk)


# --- Special rectifications (专项整治) ----------------------------------------------------


@login_required
def drive_index(request: HttpRequest) -> HttpResponse:
    """Special rectifications in scope with their progress (rectified of their problems)."""
    drives = (
        SpecialRectification.objects.visible_to(request.user)
        .select_related("org", "domain", "campaign")
        .annotate(
            problem_count=Count("problems"),
            rectified=Count("problems", filter=Q(problems__closure_kind=ClosureKind.RECTIFIED)),
        )
        .order_by("campaign", "level", "name")
    )
    if request.scope_org is not None:  # type: ignore[attr-defined]
        drives = drives.within(request.scope_org)  # type: ignore[attr-defined]
    form = SpecialRectificationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            drive = services.special_rectification_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("“%(name)s” was set up.") % {"name": drive.name})
            return redirect("rectification:drive_index")
    can_create = request.user.is_superuser or has_any_role(request.user, CREATING_ROLES)
    return render(request, "rectification/drive_index.html", {"drives": drives, "form": form, "can_create": can_create})


@login_required
@require_POST
def drive_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    drive = get_object_or_404(SpecialRectification.objects.visible_to(request.user), pk=pk)
    try:
        services.special_rectification_conclude(
            special_rectification=drive, acting_user=request.user, comment=request.POST.get("comment", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("rectification:drive_index")


# --- Inspection rounds (督查) -------------------------------------------------------------


@login_required
def inspection_index(request: HttpRequest) -> HttpResponse:
    inspections = (
        Inspection.objects.visible_to(request.user)
        .select_related("org", "campaign", "inspector", "supervisor")
        .annotate(
            finding_count=Count("findings", distinct=True),
            reexamination_count=Count("findings", filter=Q(findings__orders_reexamination=True), distinct=True),
            unit_count=Count("units", distinct=True),
        )
        .order_by("campaign", "number")
    )
    if request.scope_org is not None:  # type: ignore[attr-defined]
        inspections = inspections.within(request.scope_org)  # type: ignore[attr-defined]
    form = InspectionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("“%(name)s” was set up.") % {"name": inspection.title})
            return redirect("rectification:inspection_detail", pk=inspection.pk)
    can_create = request.user.is_superuser or has_any_role(request.user, INSPECTING_ROLES)
    return render(
        request,
        "rectification/inspection_index.html",
        {"inspections": inspections, "form": form, "can_create": can_create},
    )


@login_required
@require_POST
def inspection_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Start or conclude an inspection round."""
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)
    try:
        services.inspection_move(
            inspection=inspection, action=action, acting_user=request.user, comment=request.POST.get("comment", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("rectification:inspection_detail", pk=inspection.pk)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("org", "campaign", "inspector", "supervisor"),
        pk=pk,
    )
    form = FindingForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_finding_add(inspection=inspection, acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The finding was recorded and fed back."))
            return redirect("rectification:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "rectification/inspection_detail.html",
        {
            "inspection": inspection,
            "units": inspection.units.order_by("path"),
            "findings": inspection.findings.select_related("org", "fed_back_to", "problem"),
            "form": form,
            "can_add": holds_role_over(request.user, inspection.org, INSPECTING_ROLES),
        },
    )
