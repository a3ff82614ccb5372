"""Study pages: classes, sessions with their roll and check-in code, the member's phone
pages, outreach checklists and the coverage report. Views parse and authorise;
services change state."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import audit_export
from core.errors import DomainError
from core.forms import add_domain_error
from core.personal import PersonalExport
from core.services import item_events
from core.spreadsheets import xlsx_write
from orgs.models import Org, User
from orgs.permissions import has_any_role, holds_role_over
from study import selectors, services
from study.choices import DispatchKind
from study.forms import ClassForm, DispatchForm, MembersForm, NotesForm, PlanForm, RecordForm, SessionForm, StepForm
from study.models import OutreachPlan, OutreachStep

PAGE_SIZE = 50


def _scope(request: HttpRequest) -> Org | None:
    return getattr(request, "scope_org", None)


def _default_org(request: HttpRequest) -> str:
    scope = _scope(request)
    if scope is not None:
        return scope.code
    grant = request.user.grants.select_related("org").order_by("org__path").first()  # type: ignore[union-attr]
    return grant.org.code if grant else ""


def _may_manage(user: Any, org: Org) -> bool:
    return holds_role_over(user, org, services.MANAGING_ROLES)


# --- Classes and sessions -------------------------------------------------------------------


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    classes = selectors.classes_visible(user=request.user, scope=_scope(request)).select_related("org")
    can_create = request.user.is_superuser or has_any_role(request.user, services.MANAGING_ROLES)
    form = ClassForm(request.POST or None, user=request.user, initial={"org": _default_org(request)})
    if request.method == "POST" and can_create and form.is_valid():
        try:
            study_class = services.class_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The class was opened."))
            return redirect(study_class)
    return render(request, "study/class_list.html", {"classes": classes, "form": form, "can_create": can_create})


@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A class: phases, sessions with attendance, its daily reminders and summaries."""
    study_class = selectors.class_detail(user=request.user, pk=pk)
    if study_class is None:
        raise Http404
    may_manage = _may_manage(request.user, study_class.org)
    today = timezone.localdate()
    session_form = SessionForm(request.POST if "session" in request.POST else None, initial={"date": today})
    members_form = MembersForm(
        request.POST if "set_members" in request.POST else None,
        user=request.user,
        initial={"members": "\n".join(study_class.members.values_list("username", flat=True))},
    )
    if request.method == "POST" and may_manage:
        try:
            if "session" in request.POST and session_form.is_valid():
                services.session_create(study_class=study_class, acting_user=request.user, **session_form.cleaned_data)
                messages.success(request, _("The session was added."))
                return redirect(study_class)
            if "set_members" in request.POST and members_form.is_valid():
                services.class_set_members(
                    study_class=study_class, members=members_form.cleaned_data["members"], acting_user=request.user
                )
                messages.success(request, _("The member list was saved."))
                return redirect(study_class)
        except DomainError as error:
            add_domain_error(session_form if "session" in request.POST else members_form, error)
    sessions = (
        study_class.sessions.select_related("phase").annotate(attended=Count("attendances")).order_by("date", "id")
    )
    context = {
        "study_class": study_class,
        "may_manage": may_manage,
        "phases": study_class.phases.all(),
        "sessions": sessions,
        "member_count": study_class.members.count(),
        "dispatches": study_class.dispatches.all()[:60],
        "session_form": session_form,
        "members_form": members_form,
        "dispatch_form": DispatchForm(initial={"date": today}),
        "today": today,
        "events": item_events(study_class).order_by("-created_at")[:50],
    }
    return render(request, "study/class_detail.html", context)


@login_required
@require_POST
def class_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    """Send today's (or a chosen day's) reminder or summary now, instead of waiting for the task."""
    study_class = selectors.class_detail(user=request.user, pk=pk)
    if study_class is None:
        raise Http404
    form = DispatchForm(request.POST)
    if form.is_valid() and form.cleaned_data["kind"] in DispatchKind.values:
        try:
            sent = services.daily_dispatch_send(
                study_class=study_class,
                date=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                acting_user=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if sent is None:
                messages.info(request, _("Nothing was sent: no session that day, or it was already sent."))
            else:
                messages.success(request, _("Sent to %(count)s members.") % {"count": sent.recipients})
    return redirect(study_class)


def _check_in_url(request: HttpRequest, session: Any) -> str:
    return request.build_absolute_uri(reverse("study:check_in", args=[services.check_in_token(session)]))


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's roll: who checked in, a list the clerk ticks, the check-in QR code."""
    session = selectors.session_detail(user=request.user, pk=pk)
    if session is None:
        raise Http404
    may_manage = _may_manage(request.user, session.study_class.org)
    if not may_manage:
        raise Http404
    notes_form = NotesForm(request.POST if "notes_save" in request.POST else None, initial={"notes": session.notes})
    if request.method == "POST":
        try:
            if "tick" in request.POST:
                ids = [int(pk) for pk in request.POST.getlist("present") if pk.isdigit()]
                members = list(session.study_class.members.filter(pk__in=ids))
                added = services.attendance_tick(session=session, members=members, acting_user=request.user)
                messages.success(request, _("%(count)s members marked present.") % {"count": added})
                return redirect("study:session_detail", pk=session.pk)
            if "notes_save" in request.POST and notes_form.is_valid():
                services.session_set_notes(
                    session=session, notes=notes_form.cleaned_data["notes"], acting_user=request.user
                )
                return redirect("study:session_detail", pk=session.pk)
        except DomainError as error:
            messages.error(request, error.message)
    url = _check_in_url(request, session)
    roll = selectors.session_roll(session)
    context = {
        "session": session,
        "roll": roll,
        "present": sum(1 for _member, attendance in roll if attendance),
        "check_in_url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=5, title=_("Check-in code")),
        "notes_form": notes_form,
    }
    return render(request, "study/session_detail.html", context)


@login_required
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """The page a member's phone opens from the QR code: one button, checks in once."""
    status = ""
    error = ""
    session = None
    try:
        session = services.session_from_token(token)
    except DomainError as refusal:
        error = refusal.message
    if session is not None and request.method == "POST":
        try:
            services.check_in(token=token, member=request.user)
        except DomainError as refusal:
            status = refusal.code
            error = refusal.message
        else:
            status = "checked_in"
    attended = (
        session is not None and session.attendances.filter(member=request.user).exists() and status != "checked_in"
    )
    context = {"session": session, "status": status, "error": error, "already": attended, "token": token}
    return render(request, "study/check_in.html", context, status=404 if session is None else 200)


@login_required
def my_study(request: HttpRequest) -> HttpResponse:
    """The member's phone page: sessions of their classes and their check-ins."""
    today = timezone.localdate()
    sessions = selectors.sessions_of_member(member=request.user, today=today)
    links = {s.pk: reverse("study:check_in", args=[services.check_in_token(s)]) for s in sessions if s.date == today}
    return render(request, "study/my_study.html", {"sessions": sessions, "today": today, "links": links})


# --- Outreach -------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plans_visible(user=request.user))
    within = _scope(request)
    rows = [(plan, selectors.plan_coverage(plan=plan, user=request.user, within=within)) for plan in plans]
    can_create = request.user.is_superuser or has_any_role(request.user, services.PLAN_ROLES)
    form = PlanForm(request.POST or None, user=request.user, initial={"org": _default_org(request)})
    if request.method == "POST" and can_create and form.is_valid():
        try:
            plan = services.plan_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The outreach plan was set up."))
            return redirect(plan)
    return render(request, "study/plan_list.html", {"rows": rows, "form": form, "can_create": can_create})


def _plan_for(request: HttpRequest, pk: int) -> OutreachPlan:
    plan = selectors.plans_visible(user=request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A checklist with its steps (editable by the office) and its coverage."""
    plan = _plan_for(request, pk)
    may_edit = holds_role_over(request.user, plan.org, services.PLAN_ROLES)
    step_form = StepForm(request.POST if "add_step" in request.POST else None)
    if request.method == "POST" and may_edit:
        try:
            if "add_step" in request.POST and step_form.is_valid():
                services.plan_step_add(plan=plan, title=step_form.cleaned_data["title"], acting_user=request.user)
                return redirect(plan)
            if "toggle_step" in request.POST:
                step = get_object_or_404(OutreachStep, pk=request.POST.get("toggle_step"), plan=plan)
                services.plan_step_update(step=step, is_active=not step.is_active, acting_user=request.user)
                return redirect(plan)
            if "rename_step" in request.POST:
                step = get_object_or_404(OutreachStep, pk=request.POST.get("rename_step"), plan=plan)
                services.plan_step_update(step=step, title=request.POST.get("title", ""), acting_user=request.user)
                return redirect(plan)
        except DomainError as error:
            messages.error(request, error.message)
    context = {
        "plan": plan,
        "may_edit": may_edit,
        "steps": plan.steps.all(),
        "step_form": step_form,
        "coverage": selectors.plan_coverage(plan=plan, user=request.user, within=_scope(request)),
        "events": item_events(plan).order_by("-created_at")[:30],
    }
    return render(request, "study/plan_detail.html", context)


def _within(request: HttpRequest) -> Org | None:
    code = request.GET.get("org", "").strip()
    if code:
        org = Org.objects.visible_to(request.user).filter(code=code).first()
        if org is None:
            raise Http404
        return org
    return _scope(request)


@login_required
def coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """Every member of the plan's category in a subtree with a step not done (不掉队),
    paginated; each missing step can be recorded on the spot; exportable to Excel."""
    plan = _plan_for(request, pk)
    within = _within(request)
    missing = selectors.coverage_missing(plan=plan, user=request.user, within=within)
    steps = list(plan.steps.filter(is_active=True))
    if request.GET.get("format") == "xlsx":
        return _coverage_export(request, plan, steps, list(missing))
    page = Paginator(missing, PAGE_SIZE).get_page(request.GET.get("page"))
    done = selectors.records_by_member(plan=plan, members=list(page))
    rows = [(member, [(step, done.get(member.pk, {}).get(step.pk)) for step in steps]) for member in page]
    context = {
        "plan": plan,
        "within": within,
        "steps": steps,
        "rows": rows,
        "page": page,
        "today": timezone.localdate(),
        "summary": selectors.plan_coverage(plan=plan, user=request.user, within=within),
    }
    return render(request, "study/coverage.html", context)


def _coverage_export(
    request: HttpRequest, plan: OutreachPlan, steps: list[OutreachStep], members: list[User]
) -> HttpResponse:
    """The members still missing a step; names and phones as the user may take them out,
    and one audit entry for the export."""
    personal = PersonalExport.for_user(request.user)
    done = selectors.records_by_member(plan=plan, members=members)
    header = [_("Name"), _("Home unit"), _("Position"), _("Mobile phone")] + [step.title for step in steps]
    rows = []
    for member in members:
        marks = []
        for step in steps:
            record = done.get(member.pk, {}).get(step.pk)
            marks.append(record.done_on.isoformat() if record else _("Not done"))
        rows.append(
            [
                personal.name(member),
                member.home_org.name if member.home_org else "",
                member.position,
                personal.phone(member),
                *marks,
            ]
        )
    content = xlsx_write(header=header, rows=rows, sheet=plan.name[:31])
    filters = {"plan": plan.pk, **{key: value for key, value in request.GET.items() if key != "format"}}
    audit_export(request.user, what="study.outreach_coverage", rows=len(rows), personal=personal.full, filters=filters)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="outreach-{plan.pk}.xlsx"'
    return response


@login_required
@require_POST
def record(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    form = RecordForm(request.POST)
    back = request.POST.get("next") or reverse("study:coverage", args=[plan.pk])
    if not back.startswith("/"):
        back = reverse("study:coverage", args=[plan.pk])
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    step = get_object_or_404(OutreachStep, pk=form.cleaned_data["step"], plan=plan)
    member = get_object_or_404(User.objects.visible_to(request.user), pk=form.cleaned_data["member"])
    try:
        services.outreach_record(
            step=step,
            member=member,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded: %(step)s for %(name)s.") % {"step": step.title, "name": member})
    return redirect(back)
