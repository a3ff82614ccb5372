"""Supervision pages: warnings, the reminder log, manual reminders, the weekly dispatch
meeting and its tasks. Views parse and authorise; services change state."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import add_domain_error
from core.pagination import keyset_page
from core.services import item_attachments, item_events
from orgs.models import Org, User
from orgs.permissions import holds_role_over
from supervision import selectors, services
from supervision.choices import DispatchStatus, WarningLevel
from supervision.forms import DecisionForm, DispatchPrepareForm, HoldForm, ReminderForm, TaskActionForm
from supervision.models import DispatchEntry
from supervision.services import DISPATCH_ROLES
from supervision.warnings import escalation, model_by_label, thresholds, tracked_models

PAGE_SIZE = 50
LEVEL_TABS = ("", WarningLevel.YELLOW, "overdue", WarningLevel.LEADER, WarningLevel.BULLETIN)


def _scope(request: HttpRequest) -> Any:
    return getattr(request, "scope_org", None)


@login_required
def warnings_page(request: HttpRequest) -> HttpResponse:
    """Yellow, red and escalated items the user sees, one kind of item at a time, nearest
    deadline first, in keyset pages."""
    models = tracked_models()
    model = model_by_label(request.GET.get("kind", "")) or models[0]
    level = request.GET.get("level", "")
    if level not in LEVEL_TABS:
        level = ""
    limits = thresholds()
    items = selectors.warned_items(user=request.user, model=model, limits=limits, level=level, scope=_scope(request))
    page = keyset_page(items, key="deadline", descending=False, cursor=request.GET.get("after"), size=PAGE_SIZE)
    rows = [(item, escalation(item, limits=limits)) for item in page.rows]
    context = {
        "kinds": [(m._meta.label_lower, m._meta.verbose_name_plural) for m in models],
        "kind": model._meta.label_lower,
        "level": level,
        "levels": [
            ("", _("All warnings")),
            (WarningLevel.YELLOW, _("Due soon")),
            ("overdue", _("Overdue")),
            (WarningLevel.LEADER, _("Leader above told")),
            (WarningLevel.BULLETIN, _("Named in the bulletin")),
        ],
        "rows": rows,
        "page": page,
        "limits": limits,
        "content_type_id": ContentType.objects.get_for_model(model).pk,
    }
    return render(request, "supervision/warnings.html", context)


@login_required
def reminders_page(request: HttpRequest) -> HttpResponse:
    """Every reminder sent on items the user sees, newest first."""
    reminders = selectors.reminders_visible(user=request.user, scope=_scope(request))
    kind = request.GET.get("kind", "")
    if kind in ("automatic", "manual"):
        reminders = reminders.filter(kind=kind)
    page = keyset_page(reminders, key="created_at", descending=True, cursor=request.GET.get("after"), size=PAGE_SIZE)
    return render(request, "supervision/reminders.html", {"page": page, "kind": kind})


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_POST
def reminder_send(request: HttpRequest, content_type_id: int, object_id: int) -> HttpResponse:
    """A supervisor reminds one item's owner by hand, with a note."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model not in tracked_models():
        raise Http404
    item = model.objects.visible_to(request.user).select_related("org").filter(pk=object_id).first()
    if item is None:
        raise Http404
    form = ReminderForm(request.POST)
    if form.is_valid():
        try:
            services.reminder_send(item=item, acting_user=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The reminder was sent."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_safe_next(request, item.get_absolute_url()))


def _visible_orgs(user: Any) -> Any:
    return Org.objects.visible_to(user).filter(is_active=True).order_by("path")


@login_required
def dispatch_list(request: HttpRequest) -> HttpResponse:
    """The weekly dispatch meetings the user sees; supervisors and leaders prepare one."""
    meetings = selectors.meetings_visible(user=request.user, scope=_scope(request)).annotate(
        entry_count=Count("entries", distinct=True), decision_count=Count("decisions", distinct=True)
    )
    page = keyset_page(meetings, key="date", descending=True, cursor=request.GET.get("after"), size=PAGE_SIZE)
    default_org = _scope(request) or _visible_orgs(request.user).first()
    form = DispatchPrepareForm(
        request.POST or None,
        orgs=_visible_orgs(request.user),
        initial={"date": timezone.localdate(), "org": default_org},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.dispatch_prepare(
                org=form.cleaned_data["org"], acting_user=request.user, date=form.cleaned_data["date"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The dispatch meeting was prepared with its agenda."))
            return redirect(meeting)
    return render(request, "supervision/dispatch_list.html", {"page": page, "form": form})


def _meeting(request: HttpRequest, pk: int) -> Any:
    meeting = selectors.meetings_visible(user=request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def _decision_form(request: HttpRequest, meeting: Any, data: Any = None) -> DecisionForm:
    from core.scoping import subtree_q

    orgs = Org.objects.filter(subtree_q([meeting.org.path], field="path"), is_active=True).order_by("path")
    people = User.objects.visible_to(request.user).filter(
        subtree_q([meeting.org.path], field="home_org__path"), is_active=True
    )
    return DecisionForm(data, orgs=orgs, people=people.order_by("real_name"))


@login_required
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A dispatch meeting: its frozen agenda grouped by unit, its decisions, and the forms
    to record decisions and mark it held."""
    meeting = _meeting(request, pk)
    entries = list(
        meeting.entries.select_related("org", "content_type")
        .prefetch_related("item")
        .order_by("org__path", "deadline", "id")
    )
    groups: dict[Any, list[DispatchEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.org, []).append(entry)
    decisions = meeting.decisions.select_related("entry", "measure", "task", "task__owner", "task__org", "created_by")
    context = {
        "meeting": meeting,
        "groups": list(groups.items()),
        "entry_count": len(entries),
        "decisions": decisions,
        "tasks": meeting.tasks.select_related("org", "owner"),
        "can_record": holds_role_over(request.user, meeting.org, DISPATCH_ROLES),
        "form": _decision_form(request, meeting),
        "hold_form": HoldForm(),
        "events": item_events(meeting),
        "is_draft": meeting.status == DispatchStatus.DRAFT,
    }
    return render(request, "supervision/dispatch_detail.html", context)


@login_required
@require_POST
def dispatch_decide(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = _decision_form(request, meeting, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        entry = meeting.entries.filter(pk=data["entry"]).first() if data["entry"] else None
        try:
            services.dispatch_decide(
                meeting=meeting,
                acting_user=request.user,
                text=data["text"],
                kind=data["kind"],
                entry=entry,
                org=data["org"],
                owner=data["owner"],
                deadline=data["deadline"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The decision was recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(meeting)


@login_required
@require_POST
def dispatch_hold(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = HoldForm(request.POST)
    form.is_valid()
    try:
        services.dispatch_hold(meeting=meeting, acting_user=request.user, minutes=form.cleaned_data.get("minutes", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The meeting is recorded as held."))
    return redirect(meeting)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.tasks_visible(user=request.user).filter(pk=pk).first()
    if task is None:
        raise Http404
    context = {
        "task": task,
        "escalation": escalation(task),
        "transitions": task.workflow.available(task, request.user),
        "events": item_events(task),
        "attachments": item_attachments(task),
        "reminders": selectors.item_reminders(task)[:20],
    }
    return render(request, "supervision/task_detail.html", context)


@login_required
@require_POST
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    task = selectors.tasks_visible(user=request.user).filter(pk=pk).first()
    if task is None:
        raise Http404
    form = TaskActionForm(request.POST, request.FILES)
    form.is_valid()
    try:
        services.task_transition(
            task=task,
            action=action,
            acting_user=request.user,
            comment=form.cleaned_data.get("comment", ""),
            evidence=request.FILES.getlist("evidence"),
            expected_status=form.cleaned_data.get("expected_status") or None,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect(task)
