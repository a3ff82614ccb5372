"""Research pages: the catalogue with its rounds, the register, visits with the week
calendar, logs and findings. Views parse and authorise; services change state."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import add_domain_error
from core.pagination import keyset_page
from core.services import item_attachments, item_events
from orgs.models import Org
from orgs.permissions import has_any_role, holds_role_over
from research import importers, selectors, services
from research.choices import TopicStatus, VisitStatus
from research.forms import (
    AssignForm,
    EntityForm,
    EntityImportForm,
    FindingForm,
    FindingProblemForm,
    ImportForm,
    ReportForm,
    RoundForm,
    TopicForm,
    VisitForm,
    VisitLogForm,
)
from research.models import Finding, ResearchTopic

PAGE_SIZE = 50


def _scope(request: HttpRequest) -> Org | None:
    return getattr(request, "scope_org", None)


def _default_org(request: HttpRequest) -> str:
    """The org code forms start with: the picked scope, else the user's widest grant."""
    scope = _scope(request)
    if scope is not None:
        return scope.code
    grant = request.user.grants.select_related("org").order_by("org__path").first()  # type: ignore[union-attr]
    return grant.org.code if grant else ""


# --- Topics ---------------------------------------------------------------------------------


@login_required
def topic_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: topics by area, filtered by status, with the counts in the tabs."""
    topics = selectors.topics_visible(user=request.user, scope=_scope(request))
    counts = selectors.status_counts(topics)
    status = request.GET.get("status", "")
    if status in TopicStatus.values:
        topics = topics.filter(status=status)
    area = request.GET.get("area", "").strip()
    if area:
        topics = topics.filter(area=area)
    can_edit = has_any_role(request.user, services.CATALOGUE_ROLES) or request.user.is_superuser
    form = TopicForm(request.POST or None, user=request.user, initial={"org": _default_org(request)})
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            topic = services.topic_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The topic was added to the catalogue."))
            return redirect(topic)
    page = Paginator(topics.order_by("area", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "counts": counts,
        "total": sum(counts.values()),
        "statuses": TopicStatus.choices,
        "status": status,
        "area": area,
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "research/topic_list.html", context)


@login_required
def topic_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(
        request.POST or None, request.FILES or None, user=request.user, initial={"org": _default_org(request)}
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importers.import_topics(
                data=upload.read(),
                filename=upload.name,
                campaign=form.cleaned_data["campaign"],
                org=form.cleaned_data["org"],
                acting_user=request.user,
                dry_run=bool(request.POST.get("dry_run")),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if result.written:
                messages.success(request, _("%(count)s topics were imported.") % {"count": result.created})
                return redirect("research:topic_list")
    return render(request, "research/import.html", {"form": form, "result": result, "kind": "topics"})


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(
        ResearchTopic.objects.visible_to(request.user).select_related("leader", "campaign"), pk=pk
    )
    may_edit = holds_role_over(request.user, topic.org, services.CATALOGUE_ROLES)
    assign_form = AssignForm(request.POST if "assign" in request.POST else None, user=request.user)
    report_form = ReportForm(
        request.POST if "report" in request.POST else None, request.FILES if "report" in request.POST else None
    )
    if request.method == "POST":
        try:
            if "assign" in request.POST and assign_form.is_valid():
                services.topic_assign(topic=topic, leader=assign_form.cleaned_data["leader"], acting_user=request.user)
                messages.success(request, _("The topic was assigned."))
                return redirect(topic)
            if "report" in request.POST and report_form.is_valid():
                data = report_form.cleaned_data
                services.topic_report(
                    topic=topic,
                    file=data["file"],
                    summary=data["summary"],
                    characters=data["characters"] or 0,
                    acting_user=request.user,
                )
                messages.success(request, _("The report was filed."))
                return redirect(topic)
        except DomainError as error:
            add_domain_error(assign_form if "assign" in request.POST else report_form, error)
    context = {
        "topic": topic,
        "may_edit": may_edit,
        "may_report": may_edit or topic.leader_id == request.user.pk,
        "assign_form": assign_form,
        "report_form": report_form,
        "rounds": topic.rounds.order_by("number"),
        "visits": topic.visits.select_related("entity", "leader").order_by("starts_at"),
        "attachments": item_attachments(topic),
        "events": item_events(topic)[:100],
    }
    return render(request, "research/topic_detail.html", context)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """Rounds of discussion with their shortlists, and the form of the next round."""
    rounds = selectors.rounds_visible(user=request.user, scope=_scope(request)).order_by("campaign", "number")
    open_topics = selectors.topics_visible(user=request.user, scope=_scope(request)).filter(
        status__in=[TopicStatus.CANDIDATE, TopicStatus.SHORTLISTED, TopicStatus.SELECTED]
    )
    form = RoundForm(request.POST or None, topics=open_topics, initial={"held_on": timezone.localdate()})
    can_edit = has_any_role(request.user, services.CATALOGUE_ROLES) or request.user.is_superuser
    if request.method == "POST" and can_edit and form.is_valid():
        topics = list(form.cleaned_data["topics"])
        try:
            services.selection_round_record(
                campaign=topics[0].campaign,
                org=topics[0].org,
                held_on=form.cleaned_data["held_on"],
                topics=topics,
                note=form.cleaned_data["note"],
                is_final=form.cleaned_data["is_final"],
                acting_user=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The round was recorded."))
            return redirect("research:round_list")
    rounds = rounds.prefetch_related("topics")
    return render(request, "research/round_list.html", {"rounds": rounds, "form": form, "can_edit": can_edit})


# --- Entities -------------------------------------------------------------------------------


@login_required
def entity_list(request: HttpRequest) -> HttpResponse:
    entities = selectors.entities_visible(user=request.user, scope=_scope(request))
    query = request.GET.get("q", "").strip()
    if query:
        entities = entities.filter(name__icontains=query)
    can_edit = has_any_role(request.user, services.VISIT_ROLES) or request.user.is_superuser
    form = EntityForm(request.POST or None, user=request.user, initial={"org": _default_org(request)})
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            entity = services.entity_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The enterprise or place was registered."))
            return redirect(entity)
    page = Paginator(entities.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "research/entity_list.html", {"page": page, "form": form, "can_edit": can_edit, "q": query})


@login_required
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(selectors.entities_visible(user=request.user), pk=pk)
    visits = entity.visits.visible_to(request.user).select_related("leader").order_by("-starts_at")  # type: ignore[attr-defined]
    return render(request, "research/entity_detail.html", {"entity": entity, "visits": visits})


@login_required
def entity_import(request: HttpRequest) -> HttpResponse:
    form = EntityImportForm(
        request.POST or None, request.FILES or None, user=request.user, initial={"org": _default_org(request)}
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importers.import_entities(
                data=upload.read(),
                filename=upload.name,
                org=form.cleaned_data["org"],
                acting_user=request.user,
                dry_run=bool(request.POST.get("dry_run")),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if result.written:
                messages.success(
                    request, _("%(count)s enterprises and places were imported.") % {"count": result.created}
                )
                return redirect("research:entity_list")
    return render(request, "research/import.html", {"form": form, "result": result, "kind": "entities"})


# --- Visits ---------------------------------------------------------------------------------


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    visits = selectors.visits_visible(user=request.user, scope=_scope(request))
    status = request.GET.get("status", "")
    if status in VisitStatus.values:
        visits = visits.filter(status=status)
    # Keyset pages (newest first): no COUNT over every visit of a province, and page 500
    # costs what page 1 costs, on the (starts_at) index.
    page = keyset_page(visits, key="starts_at", descending=True, cursor=request.GET.get("after"), size=PAGE_SIZE)
    return render(
        request, "research/visit_list.html", {"page": page, "status": status, "statuses": VisitStatus.choices}
    )


@login_required
def visit_create(request: HttpRequest) -> HttpResponse:
    """Plan a visit; a crowding or double-booking warning comes back on the form, and
    the planner saves anyway by ticking the confirmation."""
    form = VisitForm(request.POST or None, user=request.user, initial={"org": _default_org(request)})
    conflicts: list[services.VisitConflict] = []
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_plan(acting_user=request.user, **form.cleaned_data)
        except services.VisitConflictWarning as warning:
            conflicts = warning.conflicts
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The visit was planned."))
            return redirect(visit)
    return render(
        request,
        "research/visit_form.html",
        {"form": form, "conflicts": conflicts, "window": services.crowding_days()},
    )


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_detail(user=request.user, pk=pk)
    if visit is None:
        raise Http404
    may_log = services._may_log(request.user, visit)
    log_form = VisitLogForm(
        request.POST if "log" in request.POST else None,
        initial={
            "people_met": visit.people_met,
            "questionnaires": visit.questionnaires,
            "petitions_received": visit.petitions_received,
            "petitions_resolved": visit.petitions_resolved,
            "summary": visit.summary,
        },
    )
    finding_form = FindingForm(request.POST if "finding" in request.POST else None)
    problem_form = FindingProblemForm(
        request.POST if "to_problem" in request.POST else None,
        user=request.user,
        initial={"org": visit.entity.org.code, "campaign": visit.campaign_id},
    )
    if request.method == "POST" and may_log:
        try:
            if "log" in request.POST and log_form.is_valid():
                services.visit_log(visit=visit, acting_user=request.user, **log_form.cleaned_data)
                messages.success(request, _("The visit log was saved."))
                return redirect(visit)
            if "finding" in request.POST and finding_form.is_valid():
                services.finding_add(visit=visit, acting_user=request.user, **finding_form.cleaned_data)
                messages.success(request, _("The finding was recorded."))
                return redirect(visit)
            if "cancel" in request.POST:
                services.visit_cancel(visit=visit, acting_user=request.user)
                return redirect(visit)
        except DomainError as error:
            add_domain_error(log_form if "log" in request.POST else finding_form, error)
    context = {
        "visit": visit,
        "may_log": may_log,
        "log_form": log_form,
        "finding_form": finding_form,
        "problem_form": problem_form,
        "findings": selectors.visit_findings(visit),
        "events": item_events(visit)[:100],
    }
    return render(request, "research/visit_detail.html", context)


@login_required
@require_POST
def finding_to_problem(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(Finding.objects.visible_to(request.user).select_related("visit"), pk=pk)
    form = FindingProblemForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            finding = services.finding_to_problem(finding=finding, acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The finding was entered in the problem ledger."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(finding.get_absolute_url())


@login_required
def week_calendar(request: HttpRequest) -> HttpResponse:
    """The campaign office's week: every visit, day by day, Monday first."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    monday = selectors.week_start(day)
    days = selectors.week_grid(user=request.user, monday=monday, scope=_scope(request))
    context: dict[str, Any] = {
        "days": days,
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "today": timezone.localdate(),
    }
    return render(request, "research/week.html", context)
