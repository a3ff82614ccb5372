"""Pages of the org tree and people. Views parse and authorise; services change state."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.services import otp_device
from audit.services import audit_export
from core.errors import DomainError
from core.forms import add_domain_error
from core.personal import PersonalExport
from core.services import item_events
from orgs import exporters, importers, services
from orgs.choices import (
    ACCOUNT_MANAGING_ROLES,
    PEOPLE_EDITING_ROLES,
    PEOPLE_LISTING_ROLES,
    READING_ROLES,
    ROLE_GRANTING_ROLES,
)
from orgs.filters import PersonFilterSet
from orgs.forms import (
    GrantForm,
    ImportForm,
    OrgEditForm,
    OrgForm,
    OrgMoveForm,
    PasswordSetForm,
    PersonEditForm,
    PersonForm,
)
from orgs.middleware import SESSION_KEY
from orgs.models import Org, RoleGrant
from orgs.permissions import has_any_role, holds_role_over
from orgs.selectors import grants_of, org_children, org_top_nodes, orgs_visible, people_listed, people_visible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible_org(request: HttpRequest, code: str) -> Org:
    org = orgs_visible(user=request.user).filter(code=code).first()
    if org is None:
        raise Http404
    return org


def _breadcrumbs(org: Org) -> list[Org]:
    """The org's ancestors and itself, from the path in one query."""
    return list(Org.objects.filter(path__in=org.ancestor_paths()).order_by("depth"))


def _xlsx_response(content: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.xlsx"'
    return response


@login_required
@require_POST
def scope_set(request: HttpRequest) -> HttpResponse:
    """Pick the subtree pages look at; only orgs the user reaches are accepted."""
    org_id = request.POST.get("org", "")
    if org_id:
        if not org_id.isdigit():
            raise Http404
        org = orgs_visible(user=request.user).filter(pk=org_id).first()
        if org is None:
            raise Http404
        request.session[SESSION_KEY] = org.pk
    else:
        request.session.pop(SESSION_KEY, None)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target or "/")


@login_required
def org_tree(request: HttpRequest) -> HttpResponse:
    """The tree from the user's granted orgs down; children load on demand (HTMX)."""
    nodes = org_top_nodes(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    return render(request, "orgs/org_tree.html", {"nodes": nodes})


@login_required
def org_children_partial(request: HttpRequest, code: str) -> HttpResponse:
    org = _visible_org(request, code)
    return render(request, "orgs/partials/tree_nodes.html", {"nodes": org_children(user=request.user, org=org)})


@login_required
def org_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = _visible_org(request, code)
    can_manage = holds_role_over(request.user, org, ACCOUNT_MANAGING_ROLES)
    children = org_children(user=request.user, org=org)
    people = people_listed(user=request.user).filter(home_org=org).order_by("real_name")
    # Who holds which role here is shown to those who may list people here (readers and
    # the security administrator), not to members or the audit administrator.
    lists_people = holds_role_over(request.user, org, PEOPLE_LISTING_ROLES)
    context: dict[str, Any] = {
        "org": org,
        "breadcrumbs": _breadcrumbs(org),
        "children": children,
        "people": people[:50],
        "people_count": people.count(),
        "subtree_people_count": people_listed(user=request.user, scope=org).count(),
        "grants": RoleGrant.objects.filter(org=org).select_related("user").order_by("role") if lists_people else None,
        "lists_people": lists_people,
        "reads_people": holds_role_over(request.user, org, READING_ROLES),
        "events": item_events(org).order_by("-created_at")[:30],
        "can_manage": can_manage,
        "can_edit_people": holds_role_over(request.user, org, PEOPLE_EDITING_ROLES),
        "child_form": OrgForm(prefix="child") if can_manage else None,
        "edit_form": OrgEditForm(initial={"name": org.name, "short_name": org.short_name, "kind": org.kind})
        if can_manage
        else None,
        "move_form": OrgMoveForm(prefix="move", user=request.user) if can_manage else None,
    }
    return render(request, "orgs/org_detail.html", context)


@login_required
@require_POST
def org_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Add a child, edit, move, deactivate or reactivate an org."""
    org = _visible_org(request, code)
    try:
        if action == "add_child":
            form = OrgForm(request.POST, prefix="child")
            if not form.is_valid():
                raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
            child = services.org_create(parent=org, acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("“%(name)s” was added.") % {"name": child.name})
            return redirect(child)
        if action == "edit":
            form = OrgEditForm(request.POST)
            if not form.is_valid():
                raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
            services.org_update(org=org, acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("Saved."))
        elif action == "move":
            form = OrgMoveForm(request.POST, prefix="move", user=request.user)
            if not form.is_valid():
                raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
            services.org_move(org=org, new_parent=form.cleaned_data["parent"], acting_user=request.user)
            messages.success(request, _("Moved."))
        elif action in ("deactivate", "activate"):
            services.org_set_active(org=org, active=action == "activate", acting_user=request.user)
            messages.success(request, _("Saved."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(org)


@login_required
def org_export(request: HttpRequest) -> HttpResponse:
    """The orgs the user sees (within the picked scope) as an importable workbook."""
    orgs = orgs_visible(user=request.user, scope=request.scope_org).order_by("path")  # type: ignore[attr-defined]
    content = exporters.export_orgs(orgs)
    audit_export(request.user, what="orgs.orgs", rows=orgs.count(), personal=False)
    return _xlsx_response(content, "orgs")


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    """People in scope, filtered; the export button exports exactly what is filtered."""
    if not (request.user.is_superuser or has_any_role(request.user, PEOPLE_LISTING_ROLES)):
        raise PermissionDenied
    base = people_listed(user=request.user, scope=request.scope_org)  # type: ignore[attr-defined]
    filterset = PersonFilterSet(request.GET, queryset=base.order_by("home_org__path", "real_name", "id"))
    people = filterset.qs
    if request.GET.get("export") == "xlsx":
        personal = PersonalExport.for_user(request.user)
        content = exporters.export_people(people, personal=personal)
        filters = {key: value for key, value in request.GET.items() if key != "export"}
        audit_export(request.user, what="orgs.people", rows=people.count(), personal=personal.full, filters=filters)
        return _xlsx_response(content, "people")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "can_add": request.user.is_superuser or has_any_role(request.user, PEOPLE_EDITING_ROLES),
    }
    template = "orgs/partials/people_table.html" if request.htmx else "orgs/people_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(people_listed(user=request.user), pk=pk) if pk != request.user.pk else request.user
    home = person.home_org
    can_edit = home is not None and holds_role_over(request.user, home, PEOPLE_EDITING_ROLES)
    can_manage = home is not None and holds_role_over(request.user, home, ACCOUNT_MANAGING_ROLES)
    # 三员分立: only the security administrator grants and revokes, and never for itself.
    may_grant = person.pk != request.user.pk and (
        request.user.is_superuser or has_any_role(request.user, ROLE_GRANTING_ROLES)
    )
    grants = list(grants_of(person))
    revocable = {
        grant.pk for grant in grants if may_grant and holds_role_over(request.user, grant.org, ROLE_GRANTING_ROLES)
    }
    # A security administrator who reads nothing sees name, org and roles, not the
    # person's contact data nor their account history beyond role changes.
    sees_account = person.pk == request.user.pk or (
        home is not None and holds_role_over(request.user, home, READING_ROLES)
    )
    events = item_events(person).order_by("-created_at")
    if not sees_account:
        events = events.filter(action__in=["role_granted", "role_revoked"])
    context = {
        "person": person,
        "breadcrumbs": _breadcrumbs(home) if home else [],
        "grants": grants,
        "revocable": revocable,
        "events": events[:30],
        "sees_account": sees_account,
        "can_edit": can_edit,
        "can_manage": can_manage,
        "grant_form": GrantForm(initial={"org": home.code if home else ""}, user=request.user) if may_grant else None,
        "password_form": PasswordSetForm() if can_manage else None,
        # Whether the person signs in with an authenticator, for those who may reset it.
        "has_authenticator": can_manage and person.pk != request.user.pk and otp_device(person) is not None,
    }
    return render(request, "orgs/person_detail.html", context)


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, initial={"home_org": request.GET.get("org", "")}, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": person.real_name})
            return redirect(person)
    return render(request, "orgs/person_form.html", {"form": form, "person": None})


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(people_visible(user=request.user), pk=pk)
    initial = {
        "real_name": person.real_name,
        "home_org": person.home_org.code if person.home_org else "",
        "mobile": person.mobile,
        "email": person.email,
        "position": person.position,
        "is_party_member": person.is_party_member,
        "member_category": person.member_category,
    }
    form = PersonEditForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        home_org = data.pop("home_org")
        try:
            services.person_update(person=person, acting_user=request.user, home_org=home_org, **data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(person)
    return render(request, "orgs/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Set a password, reset two-step verification, grant or revoke a role."""
    person = get_object_or_404(people_listed(user=request.user), pk=pk)
    try:
        if action == "password":
            form = PasswordSetForm(request.POST)
            if not form.is_valid():
                raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
            services.person_set_password(
                person=person, password=form.cleaned_data["password"], acting_user=request.user
            )
            messages.success(request, _("The password was set."))
        elif action == "otp_reset":
            services.person_reset_otp(person=person, acting_user=request.user)
            messages.success(
                request, _("Two-step verification was reset: the person adds an authenticator again if needed.")
            )
        elif action == "grant":
            form = GrantForm(request.POST, user=request.user)
            if not form.is_valid():
                raise DomainError(" ".join(e for errors in form.errors.values() for e in errors))
            services.role_grant(user=person, acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("The role was granted."))
        elif action == "revoke":
            grant_id = request.POST.get("grant", "")
            if not grant_id.isdigit():
                raise Http404
            grant = get_object_or_404(RoleGrant, pk=grant_id, user=person)
            services.role_revoke(grant=grant, acting_user=request.user)
            messages.success(request, _("The role was revoked."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(person)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload an org tree or a people list; all or nothing, every bad cell named."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = importers.import_orgs if form.cleaned_data["kind"] == "orgs" else importers.import_people
        try:
            result = run(
                data=upload.read(),
                filename=upload.name,
                acting_user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except DomainError as error:
            add_domain_error(form, error)
    return render(request, "orgs/import.html", {"form": form, "result": result})
