"""Pages every user has: the overview, notifications, the working-day calendar, and
attachment downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import calendar, services
from core.errors import DomainError
from core.forms import CalendarImportForm, WorkingDayForm
from core.models import Attachment, CalendarDay, CalendarYear, Notification
from orgs.choices import MemberCategory, Role
from orgs.models import grant_paths
from orgs.permissions import has_any_role
from orgs.selectors import grants_of, scope_summary

# Attachments shown inside the page; everything else is a download.
INLINE_MEDIA_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's scope and what is in it."""
    from campaigns.selectors import campaigns_visible

    scope = request.scope_org  # type: ignore[attr-defined]
    summary = scope_summary(user=request.user, scope=scope)
    members_chart = {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "70%"],
                "label": {"formatter": "{b} {c}"},
                "data": [{"name": str(label), "value": count} for label, count in summary["members_by_category"]],
            }
        ],
    }
    return render(
        request,
        "core/home.html",
        {
            "summary": summary,
            "grants": grants_of(request.user),
            "campaigns": campaigns_visible(user=request.user).active()[:5],
            "campaign_count": campaigns_visible(user=request.user).active().count(),
            "members_chart": members_chart,
            "member_categories": MemberCategory,
            "today": timezone.localdate(),
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's own notifications, newest first."""
    page = Paginator(Notification.objects.filter(recipient=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)
    return redirect("notifications")


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The official calendar of a year, a working-day calculator, and (for admins) import."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    form = WorkingDayForm(request.GET if "start" in request.GET else None)
    result = None
    if form.is_valid():
        start, days = form.cleaned_data["start"], form.cleaned_data["days"]
        due = calendar.add_working_days(start, days)
        result = {"start": start, "days": days, "due": due, "fallback_years": calendar.years_without_data(start, due)}
    can_import = request.user.is_superuser or has_any_role(request.user, [Role.ADMIN])
    import_form = CalendarImportForm(initial={"year": today.year + 1}) if can_import else None
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "has_data": calendar.year_has_data(year),
            "days": CalendarDay.objects.filter(date__year=year),
            "years": CalendarYear.objects.all(),
            "form": form,
            "result": result,
            "import_form": import_form,
        },
    )


@login_required
@require_POST
def calendar_import(request: HttpRequest) -> HttpResponse:
    """An administrator loads next year's official calendar from a spreadsheet."""
    if not (request.user.is_superuser or has_any_role(request.user, [Role.ADMIN])):
        raise Http404
    form = CalendarImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            calendar_year = services.calendar_import(
                year=form.cleaned_data["year"],
                data=form.cleaned_data["file"].read(),
                filename=form.cleaned_data["file"].name,
                acting_user=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The calendar of %(year)s was imported.") % {"year": calendar_year.year})
            return redirect(f"{reverse('calendar')}?year={calendar_year.year}")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("calendar")


def _item_visible(attachment: Attachment, user: object) -> bool:
    """Whether ``user`` may see the item ``attachment`` belongs to, through that item's
    own ``visible_to`` (which may hide more than its org does: a withdrawn or private
    item). An item without one (a progress report) is judged by the scoped item it hangs
    off; an item that has neither is not served (closed by default)."""
    model = attachment.content_type.model_class()
    if model is None:
        return False
    if hasattr(model._default_manager, "visible_to"):
        return model._default_manager.visible_to(user).filter(pk=attachment.object_id).exists()
    item = model._default_manager.filter(pk=attachment.object_id).first()
    if item is None:
        return False
    for field in model._meta.concrete_fields:
        related = field.related_model if field.many_to_one else None
        if related is not None and hasattr(related._default_manager, "visible_to"):
            parent_id = getattr(item, field.attname)
            if parent_id is not None:
                return related._default_manager.visible_to(user).filter(pk=parent_id).exists()
    return False


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, for those who can see both the org that owns it and its item.

    Photos are shown in the page; every other file is sent as a download
    (``Content-Disposition: attachment``) so that a document can never run in the
    site's origin. The stored type, read from the content at upload, is the one sent,
    with ``nosniff`` so the browser does not guess another. Anything out of sight is a
    404, not a 403: the URL does not even say the file exists."""
    attachment = Attachment.objects.visible_to(request.user).select_related("content_type").filter(pk=pk).first()
    if attachment is None or not grant_paths(request.user) or not _item_visible(attachment, request.user):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=attachment.media_type not in INLINE_MEDIA_TYPES,
        filename=attachment.original_name,
        content_type=attachment.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Private files: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response
