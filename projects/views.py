"""Pages of key projects, key tasks and investment promotion. Views parse and authorise
through selectors and forms; every change is a call to ``projects.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.services import audit_export
from core.errors import DomainError
from core.forms import add_domain_error
from core.pagination import keyset_page
from core.panels import panels
from core.personal import PersonalExport
from core.services import item_attachments
from core.statistics import build_scope, collect
from orgs.permissions import has_any_role, holds_role_over
from projects import exporters, forms, importers, selectors, services
from projects.choices import ProjectLevel, ProjectStage
from projects.filters import DealFilterSet, ProjectFilterSet, PromotionFilterSet, TaskFilterSet
from projects.models import WORKING_ROLES, KeyProject, KeyTask, Milestone, TeamMember

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Labels of the actions this app records (the workflow's own come from the workflow).
EVENT_LABELS = {
    "stage_changed": gettext_lazy("Stage changed"),
    "team_member_added": gettext_lazy("Team member added"),
    "team_member_removed": gettext_lazy("Team member removed"),
    "milestone_added": gettext_lazy("Milestone added"),
    "milestone_reached": gettext_lazy("Milestone reached"),
    "plan_set": gettext_lazy("Annual plan set"),
    "investment_reported": gettext_lazy("Monthly investment reported"),
    "problem_raised": gettext_lazy("Problem sent to the ledger"),
    "manager_set": gettext_lazy("Project steward assigned"),
    "funds_recorded": gettext_lazy("Funds in place recorded"),
}


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}.xlsx"
    return response


# What each list exports: the exporter and the file's name.
EXPORTS = {
    "projects.key_projects": (exporters.projects_xlsx, "key-projects"),
    "projects.key_tasks": (exporters.tasks_xlsx, "key-tasks"),
    "projects.promotion": (exporters.promotions_xlsx, "promotion"),
    "projects.signed_deals": (exporters.deals_xlsx, "signed-deals"),
}


def _export(request: HttpRequest, what: str, rows: list[Any]) -> HttpResponse:
    """The filtered rows as a workbook, people named as the user may take them out, and
    one audit entry saying what left the system."""
    exporter, name = EXPORTS[what]
    personal = PersonalExport.for_user(request.user)
    data = exporter(rows, personal=personal)
    filters = {key: value for key, value in request.GET.items() if key != "export"}
    audit_export(request.user, what=what, rows=len(rows), personal=personal.full, filters=filters)
    return _xlsx(data, name)


def _timeline(item: Any) -> list[Any]:
    events = list(selectors.item_timeline(item)[:100])
    for event in events:
        label = EVENT_LABELS.get(event.action)
        event.label = str(label) if label is not None else event.action_label
    return events


def _may_work(user: Any) -> bool:
    return user.is_superuser or has_any_role(user, WORKING_ROLES)


def _form_errors(form: Any) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


# --------------------------------------------------------------------------- overview


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Key figures of the user's scope: the same figures and panels the dashboards show."""
    scope_org = request.scope_org  # type: ignore[attr-defined]
    scope = build_scope(user=request.user, org=scope_org.code if scope_org else None)
    figures = collect(scope, names=["projects"])["projects"]
    shown = []
    for panel in panels():
        if panel.provider != "projects":
            continue
        shown.append(
            {
                "panel": panel,
                "cards": panel.cards(figures) if panel.cards else [],
                "charts": [
                    {"id": f"chart-{panel.name.replace('.', '-')}-{index}", "chart": chart}
                    for index, chart in enumerate(panel.charts(figures) if panel.charts else [])
                ],
            }
        )
    behind = list(
        selectors.projects_behind_plan(
            selectors.projects_visible(user=request.user, scope=scope_org),
            year=scope.as_of.year,
            month=scope.as_of.month,
            months_due=figures["investment"]["months_due"],
        )[:20]
    )
    levels = [
        {"value": level, "label": label, **figures["investment"]["by_level"][level]}
        for level, label in ProjectLevel.choices
    ]
    context = {
        "figures": figures,
        "shown": shown,
        "levels": levels,
        "behind": behind,
        "scope": scope,
        "bulletin": next((p["panel"].bulletin(figures) for p in shown if p["panel"].bulletin), ""),
    }
    return render(request, "projects/overview.html", context)


# --------------------------------------------------------------------------- projects


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """Filters above, keyset pages of 50; ``?export=xlsx`` exports exactly what is filtered."""
    today = timezone.localdate()
    base = selectors.projects_visible(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    filterset = ProjectFilterSet(request.GET, queryset=base)
    projects = selectors.with_investment(filterset.qs, year=today.year, month=today.month)
    if request.GET.get("export") == "xlsx":
        return _export(request, "projects.key_projects", list(projects.order_by("org__path", "title")))
    # Newest first by id: the primary key walks backwards and stops after a page (bench).
    page = keyset_page(projects, key="id", descending=True, cursor=request.GET.get("after"), size=PAGE_SIZE)
    for project in page.rows:
        project.completion = selectors.completion(project)
    context = {
        "filter": filterset,
        "page": page,
        "count": filterset.qs.count(),
        "can_add": _may_work(request.user),
        "year": today.year,
    }
    return render(request, "projects/project_list.html", context)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = forms.ProjectForm(request.POST or None, user=request.user, initial={"stage_date": today})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        annual_plan = data.pop("annual_plan")
        try:
            project = services.project_create(acting_user=request.user, **data)
            if annual_plan is not None:
                services.investment_plan_set(
                    project=project, year=today.year, amount=annual_plan, acting_user=request.user
                )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The key project was added."))
            return redirect(project)
    return render(request, "projects/form.html", {"form": form, "title": _("Add key project")})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_detail(user=request.user, pk=pk)
    if project is None:
        raise Http404
    today = timezone.localdate()
    year = int(request.GET.get("year") or today.year) if str(request.GET.get("year", "")).isdigit() else today.year
    plans = {plan.year: plan.amount for plan in project.plans.all()}
    done = sum((r.amount for r in project.reports.all() if r.year == year), start=0)
    planned = plans.get(year)
    default_year, default_month = selectors.current_month(today)
    context = {
        "project": project,
        "year": year,
        "planned": planned,
        "done": done,
        "completion": round(float(done / planned), 4) if planned else None,
        "curve": selectors.investment_curve(project, year=year),
        "transitions": KeyProject.workflow.available(project, request.user),
        "events": _timeline(project),
        "problems": project.problem_links.select_related("problem"),
        "can_work": holds_role_over(request.user, project.org, WORKING_ROLES),
        "stage_form": forms.StageForm(initial={"stage": project.stage, "date": today, "expected_stage": project.stage}),
        "report_form": forms.ReportForm(initial={"year": default_year, "month": default_month}),
        "plan_form": forms.PlanForm(initial={"year": today.year, "amount": plans.get(today.year)}),
        "member_form": forms.MemberForm(user=request.user),
        "milestone_form": forms.MilestoneForm(),
        "problem_form": forms.ProblemRaiseForm(user=request.user),
        "today": today,
        "stages": ProjectStage.choices,
    }
    return render(request, "projects/project_detail.html", context)


@login_required
@require_POST
def project_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every change from the project page: stage, plan, report, team, milestones,
    problems to the ledger and the closure workflow."""
    project = selectors.project_detail(user=request.user, pk=pk)
    if project is None:
        raise Http404
    user = request.user
    try:
        if action == "stage":
            form = forms.StageForm(request.POST)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.project_stage_set(
                project=project,
                stage=form.cleaned_data["stage"],
                date=form.cleaned_data["date"],
                comment=form.cleaned_data["comment"],
                expected_stage=form.cleaned_data["expected_stage"] or None,
                acting_user=user,
            )
        elif action == "report":
            form = forms.ReportForm(request.POST)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.investment_report_add(project=project, acting_user=user, **form.cleaned_data)
        elif action == "plan":
            form = forms.PlanForm(request.POST)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.investment_plan_set(project=project, acting_user=user, **form.cleaned_data)
        elif action == "member_add":
            form = forms.MemberForm(request.POST, user=user)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.team_member_add(project=project, acting_user=user, **form.cleaned_data)
        elif action == "member_remove":
            member = get_object_or_404(TeamMember, pk=request.POST.get("member") or 0, project=project)
            services.team_member_remove(member=member, acting_user=user)
        elif action == "milestone_add":
            form = forms.MilestoneForm(request.POST)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.milestone_add(project=project, acting_user=user, **form.cleaned_data)
        elif action == "milestone_reach":
            milestone = get_object_or_404(Milestone, pk=request.POST.get("milestone") or 0, project=project)
            services.milestone_reach(milestone=milestone, acting_user=user)
        elif action == "problem":
            form = forms.ProblemRaiseForm(request.POST, user=user)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            link = services.project_problem_raise(project=project, acting_user=user, **form.cleaned_data)
            messages.success(request, _("The problem was sent to the ledger."))
            return redirect(link.problem)
        else:
            _workflow_step(request, project, action)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(project)


def _workflow_step(request: HttpRequest, item: Any, action: str) -> None:
    if action == "request_closure":
        form = forms.ClosureForm(request.POST, request.FILES)
        if not form.is_valid():
            raise DomainError(_form_errors(form))
        services.item_request_closure(
            item=item,
            acting_user=request.user,
            evidence=form.cleaned_data["evidence"],
            comment=form.cleaned_data["comment"],
            expected_status=request.POST.get("expected_status") or None,
        )
    elif action in ("approve_closure", "send_back", "reopen"):
        form = forms.CommentForm(request.POST)
        form.is_valid()
        services.item_decide(
            item=item,
            action=action,
            acting_user=request.user,
            comment=form.cleaned_data.get("comment", ""),
            expected_status=request.POST.get("expected_status") or None,
        )
    else:
        raise Http404


# --------------------------------------------------------------------------- monthly return


@login_required
def return_import(request: HttpRequest) -> HttpResponse:
    """Upload the monthly return: check it, then import it; every bad row is listed."""
    if not _may_work(request.user):
        raise Http404
    default_year, default_month = selectors.current_month(timezone.localdate())
    form = forms.ReturnImportForm(
        request.POST or None, request.FILES or None, initial={"year": default_year, "month": default_month}
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importers.investment_return_import(
                data=upload.read(),
                filename=upload.name,
                year=form.cleaned_data["year"],
                month=form.cleaned_data["month"],
                acting_user=request.user,
                projects=selectors.projects_visible(user=request.user, scope=request.scope_org),  # type: ignore[attr-defined]
                dry_run=form.cleaned_data["check_only"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if result.ok and not result.dry_run:
                messages.success(
                    request,
                    _("%(count)s monthly reports were imported for %(year)s-%(month)02d.")
                    % {"count": result.written, "year": form.cleaned_data["year"], "month": form.cleaned_data["month"]},
                )
                return redirect("projects:overview")
    return render(request, "projects/import.html", {"form": form, "result": result})


@login_required
def return_template(request: HttpRequest) -> HttpResponse:
    """The return to fill in, listing the projects the user reports for."""
    projects = selectors.projects_visible(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    data = importers.return_template(projects=projects, year=timezone.localdate().year)
    return _xlsx(data, "monthly-investment-return")


# --------------------------------------------------------------------------- key tasks


def _numbered_page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    base = selectors.tasks_visible(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    filterset = TaskFilterSet(request.GET, queryset=base)
    tasks = filterset.qs.order_by("-year", "deadline", "id")
    if request.GET.get("export") == "xlsx":
        return _export(request, "projects.key_tasks", list(tasks))
    context = {"filter": filterset, "page": _numbered_page(request, tasks), "can_add": _may_work(request.user)}
    return render(request, "projects/task_list.html", context)


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    form = forms.TaskForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.key_task_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The key task was added."))
            return redirect(task)
    return render(request, "projects/form.html", {"form": form, "title": _("Add key task")})


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.tasks_visible(user=request.user), pk=pk)
    context = {
        "task": task,
        "notes": task.notes.select_related("reported_by"),
        "transitions": KeyTask.workflow.available(task, request.user),
        "events": _timeline(task),
        "attachments": item_attachments(task),
        "can_report": task.owner_id == request.user.pk or holds_role_over(request.user, task.org, WORKING_ROLES),
    }
    return render(request, "projects/task_detail.html", context)


@login_required
@require_POST
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    task = get_object_or_404(selectors.tasks_visible(user=request.user), pk=pk)
    try:
        if action == "progress":
            form = forms.ProgressForm(request.POST)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.key_task_progress(task=task, acting_user=request.user, text=form.cleaned_data["text"])
        else:
            _workflow_step(request, task, action)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(task)


# --------------------------------------------------------------------------- promotion


@login_required
def promotion_list(request: HttpRequest) -> HttpResponse:
    base = selectors.promotions_visible(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    filterset = PromotionFilterSet(request.GET, queryset=base)
    items = filterset.qs.order_by("-date", "-id")
    if request.GET.get("export") == "xlsx":
        return _export(request, "projects.promotion", list(items))
    context = {"filter": filterset, "page": _numbered_page(request, items), "can_add": _may_work(request.user)}
    return render(request, "projects/promotion_list.html", context)


@login_required
def promotion_create(request: HttpRequest) -> HttpResponse:
    form = forms.PromotionForm(request.POST or None, user=request.user, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.promotion_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The promotion visit or event was recorded."))
            return redirect("projects:promotion_list")
    return render(request, "projects/form.html", {"form": form, "title": _("Record promotion")})


@login_required
def deal_list(request: HttpRequest) -> HttpResponse:
    base = selectors.deals_visible(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    filterset = DealFilterSet(request.GET, queryset=base)
    deals = filterset.qs.order_by("-signed_date", "-id")
    if request.GET.get("export") == "xlsx":
        return _export(request, "projects.signed_deals", list(deals))
    context = {"filter": filterset, "page": _numbered_page(request, deals), "can_add": _may_work(request.user)}
    return render(request, "projects/deal_list.html", context)


@login_required
def deal_create(request: HttpRequest) -> HttpResponse:
    form = forms.DealForm(request.POST or None, user=request.user, initial={"signed_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The signed deal was recorded."))
            return redirect(deal)
    return render(request, "projects/form.html", {"form": form, "title": _("Record signed deal")})


@login_required
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = get_object_or_404(selectors.deals_visible(user=request.user), pk=pk)
    default_year, default_month = selectors.current_month(timezone.localdate())
    context = {
        "deal": deal,
        "fundings": deal.fundings.order_by("year", "month"),
        "events": _timeline(deal),
        "can_work": holds_role_over(request.user, deal.org, WORKING_ROLES),
        "funding_form": forms.FundingForm(initial={"year": default_year, "month": default_month}),
        "manager_form": forms.ManagerForm(
            user=request.user, initial={"manager": deal.manager.username if deal.manager else ""}
        ),
    }
    return render(request, "projects/deal_detail.html", context)


@login_required
@require_POST
def deal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    deal = get_object_or_404(selectors.deals_visible(user=request.user), pk=pk)
    try:
        if action == "funding":
            form = forms.FundingForm(request.POST)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.deal_funding_record(deal=deal, acting_user=request.user, **form.cleaned_data)
        elif action == "manager":
            form = forms.ManagerForm(request.POST, user=request.user)
            if not form.is_valid():
                raise DomainError(_form_errors(form))
            services.deal_manager_set(deal=deal, manager=form.cleaned_data["manager"], acting_user=request.user)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(deal)
