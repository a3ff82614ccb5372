"""The one table of who may open every page, call every API endpoint and make every
workflow transition of Taizhang (issue 8, "a permission matrix … and nothing else passes").

Each row names a URL (or a workflow transition), how to build its arguments from the
world of ``conftest.py`` (every item at community A, under street → district, beside
community B), the method, and a *rule*. A rule says, for each role held at the item's
own org, at its parent, at a sibling org, and for the public, whether the request is
allowed. ``test_permission_matrix.py`` turns every (row, role, position) into one test.

The rules encode the 三员分立 policy: the system administrator reads items in its
subtree but acts on none and neither grants roles nor reads the audit log; the security
administrator lists people and grants roles, and reads no items; the audit administrator
reads the audit log and nothing else.

A URL pattern that is neither in the table nor in ``EXCLUDED`` fails the completeness
test, so no new page escapes the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orgs.choices import Role

A, SA, AA = Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN
SUP, LEAD, CLERK, MEM, INSP = Role.SUPERVISOR, Role.LEADER, Role.CLERK, Role.MEMBER, Role.INSPECTOR
PUBLIC = "public"
OWN_OR_ABOVE = frozenset({"own", "parent"})
ABOVE_ONLY = frozenset({"parent"})
ANYWHERE = frozenset({"own", "parent", "sibling"})
ALL_ROLES = ("admin", "security_admin", "audit_admin", "supervisor", "leader", "clerk", "member", "inspector")


@dataclass(frozen=True)
class Rule:
    """Allowed for ``roles`` held at one of ``at``; ``public`` lets anonymous visitors in
    (and so everyone); ``signed_in`` lets any signed-in person in."""

    name: str
    roles: frozenset[str] = frozenset()
    at: frozenset[str] = OWN_OR_ABOVE
    public: bool = False
    signed_in: bool = False
    plus: frozenset[tuple[str, str]] = frozenset()
    minus: frozenset[tuple[str, str]] = frozenset()

    def allows(self, role: str, position: str) -> bool:
        if (role, position) in self.minus:
            return False
        if (role, position) in self.plus:
            return True
        if self.public:
            return True
        if role == PUBLIC:
            return False
        if self.signed_in:
            return True
        return role in self.roles and position in self.at

    def but(self, *, plus: tuple[tuple[str, str], ...] = (), minus: tuple[tuple[str, str], ...] = ()) -> Rule:
        """This rule with explicit per-(role, position) overrides."""
        return Rule(
            name=f"{self.name}*",
            roles=self.roles,
            at=self.at,
            public=self.public,
            signed_in=self.signed_in,
            plus=self.plus | frozenset(plus),
            minus=self.minus | frozenset(minus),
        )

    def anywhere(self) -> Rule:
        return Rule(name=f"{self.name}@any", roles=self.roles, at=ANYWHERE, plus=self.plus, minus=self.minus)


def rule(name: str, *roles: str, at: frozenset[str] = OWN_OR_ABOVE) -> Rule:
    return Rule(name=name, roles=frozenset(roles), at=at)


READING = (A, SUP, LEAD, CLERK, INSP)
PUBLIC_PAGE = Rule(name="PUBLIC", public=True)
SIGNED_IN = Rule(name="SIGNED_IN", signed_in=True)
# Read an item of community A: the reading roles at its own org or above.
READ = rule("READ", *READING)
# Open a list or overview page of items: any reading role anywhere (scoping decides rows).
READ_LIST = READ.anywhere()
# A list or overview page any signed-in person may open: what it lists is scoped, so the
# row names the item that must appear exactly for ``shows`` (READ unless told).
OPEN_LIST = Rule(name="OPEN_LIST", signed_in=True)
# A form page any signed-in person may open: the service refuses the submission of those
# who may not (tested on the action rows and in the workflow table).
FORM = Rule(name="FORM", signed_in=True)
# Read without the system administrator (work lists that are not item reading).
STAFF_LIST = rule("STAFF_LIST", SUP, LEAD, CLERK, INSP, at=ANYWHERE)
# Enter and update items: the unit's clerk, its leader, a supervisor; never an admin.
ACT = rule("ACT_CLERK", SUP, LEAD, CLERK)
ACT_ANYWHERE = ACT.anywhere()
# Clerk or leader only (asking for closure, reporting done).
FIX = rule("FIX", LEAD, CLERK)
# The level above approves (strictly above the item's org).
APPROVE = rule("APPROVE", SUP, LEAD, at=ABOVE_ONLY)
CHECK = rule("CHECK", SUP, LEAD, INSP, at=ABOVE_ONLY)
SUPERVISE = rule("SUPERVISE", SUP)
SUPERVISE_ANYWHERE = SUPERVISE.anywhere()
INSPECT = rule("INSPECT", SUP, INSP)
# People pages: listed to the reading roles and the security administrator.
PEOPLE_LIST = rule("PEOPLE_LIST", *READING, SA, at=ANYWHERE)
PEOPLE_READ = rule("PEOPLE_READ", *READING, SA)
# Accounts and the org tree: the system administrator (clerks add people of their unit).
ACCOUNTS = rule("ACCOUNTS", A)
ACCOUNTS_ANYWHERE = ACCOUNTS.anywhere()
PEOPLE_EDIT = rule("PEOPLE_EDIT", A, CLERK)
GRANTS = rule("GRANTS", SA)
# The audit log: the audit administrator, and nobody else.
AUDIT_ONLY = rule("AUDIT_ONLY", AA)
SETTINGS = rule("SETTINGS", A)
CAMPAIGNS = rule("CAMPAIGNS", A, SUP)
# Anyone holding any role at the org or above (configuration of that part of the tree).
IN_SCOPE = rule("IN_SCOPE", *ALL_ROLES)
# Only the person who uploaded an import sees and confirms it (the clerk of community A).
UPLOADER = Rule(name="UPLOADER", plus=frozenset({(CLERK, "own")}))
# Wishes are read by the community's own party members too.
READ_OR_LOCAL_MEMBER = READ.but(plus=((MEM, "own"),))
# A micro-project is offered to every unit: clerks and leaders anywhere see it to claim it.
READ_OR_UNIT_CLAIMANT = READ.but(plus=((CLERK, "sibling"), (LEAD, "sibling")))
# A study class is seen by its members (the member of community A).
READ_OR_CLASS_MEMBER = READ.but(plus=((MEM, "own"),))
NOBODY = Rule(name="NOBODY")


@dataclass(frozen=True)
class Row:
    """One URL of the matrix.

    ``kwargs`` builds the URL's arguments from the world; ``data`` the POST body;
    ``setup`` moves the world into the state the request needs (inside the case's
    savepoint); ``state`` reads what an allowed POST must change; ``lists`` names an item
    whose title (a page) or id (the API) a list must show to those ``shows`` allows and
    hide from everyone else it lets in.
    """

    name: str
    rule: Rule
    kwargs: Callable[[Any], dict[str, Any]] = lambda w: {}
    method: str = "GET"
    data: Callable[[Any], dict[str, Any]] | None = None
    setup: Callable[[Any], None] | None = None
    state: Callable[[Any], Any] | None = None
    lists: Callable[[Any], Any] | None = None
    shows: Rule | None = None
    api: bool = False
    login_ok: bool = False
    query: str = ""
    note: str = ""
    case: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}{'[' + self.case + ']' if self.case else ''}"


def _authenticator_for(user: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _authenticators_of(user: Any) -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user).count()


def pk(key: str, arg: str = "pk") -> Callable[[Any], dict[str, Any]]:
    return lambda w: {arg: w.items[key].pk}


def status_of(key: str, attribute: str = "status") -> Callable[[Any], Any]:
    def read(w: Any) -> Any:
        item = w.items[key]
        return getattr(type(item).objects.get(pk=item.pk), attribute)

    return read


def set_status(key: str, value: str) -> Callable[[Any], None]:
    def move(w: Any) -> None:
        item = w.items[key]
        type(item).objects.filter(pk=item.pk).update(status=value)

    return move


def title_of(key: str, attribute: str = "title") -> Callable[[Any], str]:
    return lambda w: str(getattr(w.items[key], attribute))


def photo() -> Any:
    """A real small JPEG, as a phone's camera sends it (the wishes' test factory)."""
    from wishes.tests.factories import photo as jpeg

    return jpeg("照片.jpg")


def evidence() -> Any:
    """A small real PDF (the ledger's test factory)."""
    from rectification.tests.factories import evidence as pdf

    return pdf("证明.pdf")


# URL names left out of the matrix, each with the reason.
EXCLUDED: dict[str, str] = {
    "admin:*": "Django admin: superuser (installation) only, Django's own staff check",
    "captcha-*": "captcha images for the public forms; no data",
    "set_language": "language switch; no data",
    "javascript-catalog": "translation catalogue for scripts; no data",
    "ops:healthz": "load balancer probe; no data",
    "ops:readyz": "load balancer probe; no data",
    "ops:metrics": "monitoring; guarded by its own token (ops tests)",
    "api:schema": "the OpenAPI description; no data (schemathesis reads it)",
    "api:docs": "Swagger UI over the schema; no data",
    "api:redoc": "ReDoc over the schema; no data",
    "api:api-root": "the router's index of endpoints; no data",
    "api:not-found": "the API's JSON 404 for any unknown path; no data",
    "logout": "ends the caller's own session",
}

PROBLEM = "problem"

PAGES: list[Row] = [
    # --- core and sign-in
    Row("login", PUBLIC_PAGE, note="signed-in users are redirected home"),
    Row(
        "login_verify",
        PUBLIC_PAGE,
        login_ok=True,
        note="second step of a sign-in; without one pending it sends back to sign-in",
    ),
    Row("admin_login", PUBLIC_PAGE, login_ok=True, note="the admin's sign-in page points at ours"),
    Row("accounts:password_change", SIGNED_IN),
    Row("accounts:otp_setup", SIGNED_IN),
    Row("accounts:otp_qr", NOBODY, note="the QR code of a set-up in progress; 404 without one"),
    Row("home", SIGNED_IN),
    Row("notifications", SIGNED_IN),
    Row("notifications_read", SIGNED_IN, method="POST"),
    Row("calendar", SIGNED_IN),
    Row("calendar_import", SETTINGS.anywhere(), method="POST"),
    Row("attachment_download", READ, kwargs=pk("attachment")),
    # --- audit log
    Row("audit:entry_list", AUDIT_ONLY.anywhere(), lists=lambda w: w.audit_entry.detail),
    Row("audit:entry_export", AUDIT_ONLY.anywhere()),
    Row("audit:entry_detail", AUDIT_ONLY, kwargs=pk("audit_entry")),
    # --- orgs: tree and accounts
    Row("orgs:org_tree", OPEN_LIST, note="the org structure; no people"),
    Row("orgs:scope_set", SIGNED_IN, method="POST", data=lambda w: {"org": ""}),
    Row("orgs:org_export", OPEN_LIST, note="the org structure; no people"),
    Row("orgs:import", FORM),
    Row("orgs:people", PEOPLE_LIST),
    Row("orgs:person_create", FORM),
    Row("orgs:person_detail", PEOPLE_READ, kwargs=lambda w: {"pk": w.users[(CLERK, "own")].pk}),
    Row("orgs:person_edit", READ, kwargs=lambda w: {"pk": w.users[(MEM, "own")].pk}),
    Row(
        "orgs:person_action",
        GRANTS,
        kwargs=lambda w: {"pk": w.users[(MEM, "own")].pk, "action": "grant"},
        method="POST",
        data=lambda w: {"org": w.community.code, "role": "inspector"},
        state=lambda w: w.users[(MEM, "own")].grants.filter(role="inspector").count(),
        case="grant",
    ),
    Row(
        "orgs:person_action",
        ACCOUNTS,
        kwargs=lambda w: {"pk": w.users[(MEM, "own")].pk, "action": "password"},
        method="POST",
        data=lambda w: {"password": "Xq7#mLz9!pw"},
        state=lambda w: type(w.users[(MEM, "own")]).objects.get(pk=w.users[(MEM, "own")].pk).password,
        case="password",
    ),
    Row(
        "orgs:person_action",
        ACCOUNTS,
        kwargs=lambda w: {"pk": w.users[(MEM, "own")].pk, "action": "otp_reset"},
        method="POST",
        setup=lambda w: _authenticator_for(w.users[(MEM, "own")]),
        state=lambda w: _authenticators_of(w.users[(MEM, "own")]),
        case="otp_reset",
    ),
    # The org's page: its people are listed only to PEOPLE_READ (the page filters them).
    Row("orgs:org_detail", IN_SCOPE, kwargs=lambda w: {"code": w.community.code}),
    Row("orgs:org_children", IN_SCOPE, kwargs=lambda w: {"code": w.community.code}),
    Row(
        "orgs:org_action",
        ACCOUNTS,
        kwargs=lambda w: {"code": w.community.code, "action": "deactivate"},
        method="POST",
        state=lambda w: type(w.community).objects.get(pk=w.community.pk).is_active,
        case="deactivate",
    ),
    # --- campaigns
    Row("campaigns:campaign_list", OPEN_LIST, note="campaigns are configuration, not items"),
    Row("campaigns:campaign_create", FORM),
    Row("campaigns:campaign_detail", IN_SCOPE, kwargs=pk("campaign"), note="configuration, not an item"),
    Row("campaigns:campaign_edit", IN_SCOPE, kwargs=pk("campaign"), note="a form; the service refuses the submit"),
    Row(
        "campaigns:campaign_action",
        CAMPAIGNS,
        kwargs=lambda w: {"pk": w.campaign.pk, "action": "transition"},
        method="POST",
        data=lambda w: {"action": "conclude", "comment": "阶段结束"},
        state=status_of("campaign"),
        case="conclude",
    ),
    # --- ledger
    Row("ledger_import:upload", ACT_ANYWHERE),
    Row("ledger_import:template", SIGNED_IN, note="an empty spreadsheet"),
    Row("ledger_import:job", UPLOADER, kwargs=pk("import_job"), note="an import is its uploader's"),
    Row("ledger_import:confirm", UPLOADER, kwargs=pk("import_job"), method="POST"),
    Row("ledger_import:export", OPEN_LIST, note="a spreadsheet of the caller's scope"),
    Row("rectification:problem_list", OPEN_LIST, lists=title_of(PROBLEM), shows=READ),
    # The list's tab counts (a search's page fetches them after it): numbers of the
    # caller's own rows, counted through visible_to like the list.
    Row("rectification:problem_counts", OPEN_LIST, query="?q=整改"),
    Row("rectification:problem_create", FORM),
    Row(
        "rectification:problem_create",
        ACT,
        method="POST",
        data=lambda w: {
            "campaign": w.campaign.pk,
            "org": w.community.code,
            "title": "矩阵新问题",
            "level": "grassroots",
            "deadline": "2027-06-30",
        },
        state=lambda w: type(w.problem).objects.count(),
        case="post",
        note="creating an item: never the system administrator",
    ),
    Row(
        "rectification:problem_bulk",
        OPEN_LIST,
        method="POST",
        data=lambda w: {"ids": [w.problem.pk], "action": "remind"},
        note="acts only on the items the caller may act on",
    ),
    Row("rectification:statistics", OPEN_LIST),
    Row("rectification:list_index", OPEN_LIST),
    Row("rectification:list_detail", READ, kwargs=pk("problem_list")),
    Row(
        "rectification:list_action",
        FIX,
        kwargs=lambda w: {"pk": w.problem_list.pk, "action": "submit"},
        method="POST",
        data=lambda w: {"comment": "请审核"},
        state=status_of("problem_list"),
        case="submit",
    ),
    Row("rectification:drive_index", OPEN_LIST, lists=title_of("drive", "name"), shows=READ),
    Row(
        "rectification:drive_conclude",
        rule("DRIVE_LEAD", SUP, LEAD),
        kwargs=pk("drive"),
        method="POST",
        data=lambda w: {"comment": "完成"},
        state=status_of("drive"),
    ),
    Row("rectification:inspection_index", OPEN_LIST, lists=title_of("inspection"), shows=READ),
    Row("rectification:inspection_detail", READ, kwargs=pk("inspection")),
    Row(
        "rectification:inspection_action",
        INSPECT,
        kwargs=lambda w: {"pk": w.inspection.pk, "action": "start"},
        method="POST",
        state=status_of("inspection"),
        case="start",
    ),
    Row(
        "rectification:inspection_detail",
        INSPECT,
        kwargs=pk("inspection"),
        method="POST",
        data=lambda w: {"org": w.community.pk, "description": "台账不全"},
        state=lambda w: w.inspection.findings.count(),
        case="finding",
    ),
    Row("rectification:problem_detail", READ, kwargs=pk(PROBLEM)),
    # --- supervision
    Row("supervision:warnings", OPEN_LIST),
    Row("supervision:reminders", OPEN_LIST),
    Row(
        "supervision:reminder_send",
        SUPERVISE,
        kwargs=lambda w: {"content_type_id": w.problem_type.pk, "object_id": w.problem.pk},
        method="POST",
        data=lambda w: {"note": "请加快"},
        setup=lambda w: type(w.reminder).objects.filter(pk=w.reminder.pk).delete(),
        state=lambda w: __import__("supervision.models", fromlist=["Reminder"]).Reminder.objects.count(),
    ),
    Row("supervision:dispatch_list", OPEN_LIST),
    Row("supervision:dispatch_detail", READ, kwargs=pk("meeting")),
    Row(
        "supervision:dispatch_decide",
        rule("DISPATCH", SUP, LEAD),
        kwargs=pk("meeting"),
        method="POST",
        data=lambda w: {"kind": "note", "text": "下周再议"},
        state=lambda w: w.meeting.decisions.count(),
    ),
    Row(
        "supervision:dispatch_hold",
        rule("DISPATCH", SUP, LEAD),
        kwargs=pk("meeting"),
        method="POST",
        data=lambda w: {"minutes": "会议纪要"},
        state=status_of("meeting", "held_at"),
    ),
    Row("supervision:task_detail", READ, kwargs=pk("task")),
    # --- dashboards and bulletins
    Row("dashboards:dashboard", READ_LIST),
    Row("dashboards:screen", READ_LIST),
    Row("bulletins:list", READ_LIST),
    Row(
        "bulletins:create",
        SUPERVISE,
        method="POST",
        data=lambda w: {"kind": "week", "org": w.community.code, "as_of": "2026-01-05"},
        state=lambda w: type(w.bulletin).objects.count(),
    ),
    Row("bulletins:detail", READ, kwargs=pk("issued_bulletin"), case="issued"),
    Row("bulletins:detail", SUPERVISE, kwargs=pk("bulletin"), case="draft", note="a draft is the supervisors'"),
    Row("bulletins:edit", SUPERVISE, kwargs=pk("bulletin"), method="POST", data=lambda w: {"title": "矩阵通报"}),
    Row("bulletins:regenerate", SUPERVISE, kwargs=pk("bulletin"), method="POST"),
    Row(
        "bulletins:issue",
        SUPERVISE,
        kwargs=pk("bulletin"),
        method="POST",
        state=status_of("bulletin"),
    ),
    Row("bulletins:docx", READ, kwargs=pk("issued_bulletin")),
    Row("bulletins:print", READ, kwargs=pk("issued_bulletin")),
    # --- wishes
    Row("wishes:wish_list", OPEN_LIST, lists=title_of("wish"), shows=READ_OR_LOCAL_MEMBER),
    Row("wishes:wish_create", FORM),
    Row("wishes:wish_detail", READ_OR_LOCAL_MEMBER, kwargs=pk("wish")),
    Row("wishes:project_list", OPEN_LIST, lists=title_of("micro_project"), shows=READ_OR_UNIT_CLAIMANT),
    Row("wishes:project_create", FORM),
    Row("wishes:project_detail", READ_OR_UNIT_CLAIMANT, kwargs=pk("micro_project")),
    Row(
        "wishes:photo",
        READ_OR_LOCAL_MEMBER,
        kwargs=lambda w: {"kind": "wish", "pk": w.wish.pk, "attachment_id": w.wish_photo.pk},
    ),
    # --- intake
    Row("intake:suggestion_list", OPEN_LIST, lists=title_of("suggestion", "content"), shows=READ),
    Row("intake:suggestion_create", FORM),
    Row("intake:suggestion_import", ACT_ANYWHERE),
    Row("intake:closure", OPEN_LIST),
    Row("intake:suggestion_detail", READ, kwargs=pk("suggestion")),
    # --- projects
    Row("projects:overview", OPEN_LIST),
    Row("projects:project_list", OPEN_LIST, lists=title_of("key_project"), shows=READ),
    Row("projects:project_create", FORM),
    Row("projects:project_detail", READ, kwargs=pk("key_project")),
    Row(
        "projects:project_action",
        ACT,
        kwargs=lambda w: {"pk": w.key_project.pk, "action": "stage"},
        method="POST",
        data=lambda w: {"stage": "operation", "expected_stage": "construction"},
        state=status_of("key_project", "stage"),
        case="stage",
    ),
    Row("projects:return_import", ACT_ANYWHERE),
    Row("projects:return_template", SIGNED_IN, note="an empty spreadsheet"),
    Row("projects:task_list", OPEN_LIST, lists=title_of("key_task"), shows=READ),
    Row("projects:task_create", FORM),
    Row(
        "projects:task_create",
        ACT,
        method="POST",
        data=lambda w: {
            "campaign": w.campaign.pk,
            "org": w.community.code,
            "title": "矩阵新重点工作",
            "year": 2026,
            "deadline": "2026-12-31",
        },
        state=lambda w: type(w.key_task).objects.count(),
        case="post",
    ),
    Row("projects:task_detail", READ, kwargs=pk("key_task")),
    Row("projects:promotion_list", OPEN_LIST, lists=title_of("promotion"), shows=READ),
    Row("projects:promotion_create", FORM),
    Row("projects:deal_list", OPEN_LIST, lists=title_of("deal", "company"), shows=READ),
    Row("projects:deal_create", FORM),
    Row("projects:deal_detail", READ, kwargs=pk("deal")),
    Row(
        "projects:deal_action",
        ACT,
        kwargs=lambda w: {"pk": w.deal.pk, "action": "funding"},
        method="POST",
        data=lambda w: {"year": 2026, "month": 1, "amount": "100"},
        state=lambda w: w.deal.fundings.count(),
        case="funding",
    ),
    # --- research
    Row("research:topic_list", OPEN_LIST, lists=title_of("topic"), shows=READ),
    Row("research:topic_import", FORM),
    Row("research:topic_detail", READ, kwargs=pk("topic")),
    Row("research:round_list", OPEN_LIST),
    Row("research:entity_list", OPEN_LIST, lists=title_of("entity", "name"), shows=READ),
    Row("research:entity_import", FORM),
    Row("research:entity_detail", READ, kwargs=pk("entity")),
    Row("research:visit_list", OPEN_LIST),
    Row("research:visit_create", FORM),
    Row("research:week", OPEN_LIST),
    Row("research:visit_detail", READ, kwargs=pk("visit")),
    Row(
        "research:finding_to_problem",
        ACT,
        kwargs=pk("finding"),
        method="POST",
        data=lambda w: {
            "org": w.community.code,
            "campaign": w.campaign.pk,
            "deadline": "2027-06-30",
            "level": "grassroots",
        },
        state=status_of("finding", "problem_id"),
    ),
    # --- study
    Row("study:class_list", OPEN_LIST, lists=title_of("study_class", "name"), shows=READ_OR_CLASS_MEMBER),
    Row("study:class_detail", READ_OR_CLASS_MEMBER, kwargs=pk("study_class")),
    Row(
        "study:class_dispatch",
        ACT,
        kwargs=pk("study_class"),
        method="POST",
        data=lambda w: {"kind": "reminder", "date": w.study_session.date.isoformat()},
        state=lambda w: __import__("study.models", fromlist=["DailyDispatch"]).DailyDispatch.objects.count(),
    ),
    Row(
        "study:session_detail",
        ACT,
        kwargs=pk("study_session"),
        note="the roll and check-in code: the class managers' tool",
    ),
    Row("study:check_in", SIGNED_IN, kwargs=lambda w: {"token": w.check_in_token}),
    Row("study:my_study", SIGNED_IN),
    Row("study:plan_list", OPEN_LIST),
    Row("study:plan_detail", READ, kwargs=pk("plan")),
    Row("study:coverage", READ, kwargs=pk("plan")),
    Row(
        "study:record",
        ACT,
        kwargs=pk("plan"),
        method="POST",
        data=lambda w: {"step": w.plan.steps.last().pk, "member": w.users[(MEM, "own")].pk, "done_on": "2026-01-05"},
        state=lambda w: __import__("study.models", fromlist=["OutreachRecord"]).OutreachRecord.objects.count(),
    ),
    # --- public pages and publishing
    Row("public:start", PUBLIC_PAGE),
    Row("public:progress_list", PUBLIC_PAGE),
    Row("public:progress_detail", PUBLIC_PAGE, kwargs=pk("publication")),
    Row("public:manage", OPEN_LIST, note="what is published is public anyway"),
    Row(
        "public:withdraw",
        SUPERVISE,
        kwargs=pk("publication"),
        method="POST",
        data=lambda w: {"reason": "撤回"},
        state=status_of("publication", "withdrawn_at"),
    ),
    Row(
        "public:publish",
        SUPERVISE,
        kwargs=lambda w: {"content_type_id": w.problem_type.pk, "object_id": w.bare_problem.pk},
        method="POST",
        data=lambda w: {"public_title": "矩阵公示二"},
        state=lambda w: __import__("public.models", fromlist=["Publication"]).Publication.objects.count(),
    ),
    Row("wishes_public:wall_index", PUBLIC_PAGE),
    Row("wishes_public:post", PUBLIC_PAGE),
    Row("wishes_public:posted", PUBLIC_PAGE),
    Row("wishes_public:query", PUBLIC_PAGE),
    Row("wishes_public:detail", PUBLIC_PAGE, kwargs=lambda w: {"code": w.wish.query_code}),
    Row("wishes_public:confirm", PUBLIC_PAGE, kwargs=lambda w: {"code": w.wish.query_code}, method="POST"),
    Row(
        "wishes_public:photo",
        PUBLIC_PAGE,
        kwargs=lambda w: {"code": w.wish.query_code, "attachment_id": w.wish_photo.pk},
    ),
    Row("wishes_public:wall", PUBLIC_PAGE, kwargs=lambda w: {"code": w.community.code}),
    Row("intake_public:submit", PUBLIC_PAGE),
    Row("intake_public:submitted", PUBLIC_PAGE),
    Row("intake_public:query", PUBLIC_PAGE),
    Row("intake_public:detail", PUBLIC_PAGE, kwargs=lambda w: {"code": w.suggestion.query_code}),
    Row("intake_public:rate", PUBLIC_PAGE, kwargs=lambda w: {"code": w.suggestion.query_code}, method="POST"),
    Row("bulletins_public:list", PUBLIC_PAGE),
    Row("bulletins_public:detail", PUBLIC_PAGE, kwargs=pk("issued_bulletin")),
    Row("bulletins_public:docx", PUBLIC_PAGE, kwargs=pk("issued_bulletin")),
]


def _api(basename: str, key: str, rule_detail: Rule, *, list_rule: Rule | None = None, note_key: str = "") -> list[Row]:
    return [
        Row(
            f"api:{basename}-list",
            list_rule or OPEN_LIST,
            api=True,
            lists=lambda w: w.items[key].pk,
            shows=rule_detail,
            note=note_key,
        ),
        Row(f"api:{basename}-detail", rule_detail, kwargs=pk(key), api=True, note=note_key),
    ]


API: list[Row] = [
    Row("api:statistics", OPEN_LIST, api=True, note="figures of the caller's scope"),
    Row("api:org-list", OPEN_LIST, api=True, note="the org structure; no people"),
    Row("api:org-detail", IN_SCOPE, kwargs=lambda w: {"code": w.community.code}, api=True),
    Row("api:person-list", OPEN_LIST, api=True, lists=lambda w: w.users[(CLERK, "own")].pk, shows=PEOPLE_READ),
    Row("api:person-detail", PEOPLE_READ, kwargs=lambda w: {"pk": w.users[(CLERK, "own")].pk}, api=True),
    Row(
        "api:grant-list",
        OPEN_LIST,
        api=True,
        lists=lambda w: w.users[(CLERK, "own")].grants.get().pk,
        shows=PEOPLE_READ,
    ),
    Row("api:grant-detail", PEOPLE_READ, kwargs=lambda w: {"pk": w.users[(CLERK, "own")].grants.get().pk}, api=True),
    Row("api:campaign-list", OPEN_LIST, api=True, note="configuration, not items"),
    Row("api:campaign-detail", IN_SCOPE, kwargs=pk("campaign"), api=True),
    Row("api:channel-list", OPEN_LIST, api=True),
    Row("api:channel-detail", IN_SCOPE, kwargs=pk("channel"), api=True),
    *_api("problem", PROBLEM, READ),
    *_api("measure", "measure", READ),
    *_api("extension", "extension", READ),
    *_api("special-rectification", "drive", READ),
    *_api("problem-list", "problem_list", READ),
    Row("api:review-round-list", OPEN_LIST, api=True),
    *_api("inspection", "inspection", READ),
    *_api("wish", "wish", READ),
    *_api("micro-project", "micro_project", READ, note_key="the API is stricter than the page"),
    *_api("suggestion", "suggestion", READ),
    *_api("key-project", "key_project", READ),
    *_api("investment-report", "investment_report", READ),
    *_api("key-task", "key_task", READ),
    *_api("promotion-event", "promotion", READ),
    *_api("deal", "deal", READ),
    *_api("research-topic", "topic", READ),
    *_api("research-entity", "entity", READ),
    *_api("research-visit", "visit", READ),
    *_api("research-finding", "finding", READ),
    *_api("study-class", "study_class", READ_OR_CLASS_MEMBER),
    *_api("study-session", "study_session", READ_OR_CLASS_MEMBER),
    *_api("study-attendance", "attendance", READ_OR_CLASS_MEMBER),
    *_api("outreach-plan", "plan", READ),
    *_api("outreach-record", "outreach_record", READ_OR_CLASS_MEMBER.but(), note_key="the member's own record"),
    Row("api:warning-list", OPEN_LIST, api=True),
    Row("api:reminder-list", OPEN_LIST, api=True, lists=lambda w: w.reminder.pk, shows=READ),
    Row("api:reminder-detail", READ, kwargs=pk("reminder"), api=True),
    *_api("dispatch-meeting", "meeting", READ),
    *_api("bulletin", "issued_bulletin", READ),
    Row("api:bulletin-docx", READ, kwargs=pk("issued_bulletin"), api=True),
    *_api("publication", "publication", READ),
    # --- custom actions (POST), each with the state it must change when allowed
    Row(
        "api:problem-request-closure",
        FIX,
        kwargs=pk("bare_problem"),
        method="POST",
        data=lambda w: {"evidence": [evidence()], "comment": "已整改"},
        state=status_of("bare_problem"),
        api=True,
    ),
    Row(
        "api:problem-approve-closure",
        APPROVE,
        kwargs=pk("bare_problem"),
        method="POST",
        setup=set_status("bare_problem", "closure_requested"),
        data=lambda w: {"closure_kind": "rectified", "comment": "同意"},
        state=status_of("bare_problem"),
        api=True,
    ),
    Row(
        "api:problem-send-back",
        CHECK,
        kwargs=pk("bare_problem"),
        method="POST",
        setup=set_status("bare_problem", "closure_requested"),
        data=lambda w: {"comment": "证据不足"},
        state=status_of("bare_problem"),
        api=True,
    ),
    Row(
        "api:problem-reopen",
        SUPERVISE,
        kwargs=pk("closed_problem"),
        method="POST",
        data=lambda w: {"comment": "群众反映未解决"},
        state=status_of("closed_problem"),
        api=True,
    ),
    Row(
        "api:problem-progress",
        FIX,
        kwargs=pk(PROBLEM),
        method="POST",
        data=lambda w: {"text": "本周进展", "percent": 50},
        state=lambda w: w.problem.reports.count(),
        api=True,
    ),
    Row(
        "api:problem-extension",
        FIX,
        kwargs=pk("bare_problem"),
        method="POST",
        data=lambda w: {"requested_deadline": "2027-12-31", "reason": "资金未到位"},
        state=lambda w: w.bare_problem.extensions.count(),
        api=True,
    ),
    Row(
        "api:measure-request-closure",
        FIX,
        kwargs=pk("measure"),
        method="POST",
        data=lambda w: {"evidence": [evidence()], "comment": "已整改"},
        state=status_of("measure"),
        api=True,
    ),
    Row(
        "api:measure-approve-closure",
        APPROVE,
        kwargs=pk("measure"),
        method="POST",
        setup=set_status("measure", "closure_requested"),
        data=lambda w: {"closure_kind": "rectified", "comment": "同意"},
        state=status_of("measure"),
        api=True,
    ),
    Row(
        "api:measure-send-back",
        CHECK,
        kwargs=pk("measure"),
        method="POST",
        setup=set_status("measure", "closure_requested"),
        data=lambda w: {"comment": "证据不足"},
        state=status_of("measure"),
        api=True,
    ),
    Row(
        "api:measure-reopen",
        SUPERVISE,
        kwargs=pk("measure"),
        method="POST",
        setup=set_status("measure", "closed"),
        data=lambda w: {"comment": "反弹"},
        state=status_of("measure"),
        api=True,
    ),
    Row(
        "api:measure-progress",
        FIX,
        kwargs=pk("measure"),
        method="POST",
        data=lambda w: {"text": "本周进展", "percent": 50},
        state=lambda w: w.measure.reports.count(),
        api=True,
    ),
    Row(
        "api:measure-extension",
        FIX,
        kwargs=pk("measure"),
        method="POST",
        data=lambda w: {"requested_deadline": "2027-12-31", "reason": "资金未到位"},
        state=lambda w: w.measure.extensions.count(),
        api=True,
    ),
    Row(
        "api:extension-decide",
        APPROVE,
        kwargs=pk("extension"),
        method="POST",
        data=lambda w: {"approve": True, "comment": "同意"},
        state=status_of("extension"),
        api=True,
    ),
    Row(
        "api:problem-list-submit",
        FIX,
        kwargs=pk("problem_list"),
        method="POST",
        data=lambda w: {"comment": "请审核"},
        state=status_of("problem_list"),
        api=True,
    ),
    Row(
        "api:problem-list-return",
        APPROVE,
        kwargs=pk("problem_list"),
        method="POST",
        setup=set_status("problem_list", "submitted"),
        data=lambda w: {"comment": "请补充"},
        state=status_of("problem_list"),
        api=True,
    ),
    Row(
        "api:problem-list-accept",
        APPROVE,
        kwargs=pk("problem_list"),
        method="POST",
        setup=set_status("problem_list", "submitted"),
        data=lambda w: {"comment": "通过"},
        state=status_of("problem_list"),
        api=True,
    ),
    Row(
        "api:inspection-add-finding",
        INSPECT,
        kwargs=pk("inspection"),
        method="POST",
        data=lambda w: {"org": w.community.code, "description": "台账不全"},
        state=lambda w: w.inspection.findings.count(),
        api=True,
    ),
    Row(
        "api:suggestion-route",
        ACT,
        kwargs=pk("suggestion"),
        method="POST",
        data=lambda w: {"org": w.grid.code, "comment": "请网格处理"},
        state=status_of("suggestion"),
        api=True,
    ),
    Row(
        "api:suggestion-answer",
        ACT,
        kwargs=pk("suggestion"),
        method="POST",
        data=lambda w: {"reply": "已修好"},
        state=status_of("suggestion"),
        api=True,
    ),
    Row(
        "api:key-project-stage",
        ACT,
        kwargs=pk("key_project"),
        method="POST",
        data=lambda w: {"stage": "operation"},
        state=status_of("key_project", "stage"),
        api=True,
    ),
    Row(
        "api:deal-funding",
        ACT,
        kwargs=pk("deal"),
        method="POST",
        data=lambda w: {"year": 2026, "month": 1, "amount": "100"},
        state=lambda w: w.deal.fundings.count(),
        api=True,
    ),
    Row(
        "api:research-visit-log",
        ACT,
        kwargs=pk("visit"),
        method="POST",
        data=lambda w: {"summary": "走访记录", "people_met": 3},
        state=status_of("visit"),
        api=True,
    ),
    Row(
        "api:research-visit-findings",
        ACT,
        kwargs=pk("visit"),
        method="POST",
        data=lambda w: {"description": "路灯不亮"},
        state=lambda w: w.visit.findings.count(),
        api=True,
    ),
    Row(
        "api:research-finding-to-problem",
        ACT,
        kwargs=pk("finding"),
        method="POST",
        data=lambda w: {"org": w.community.code, "deadline": "2027-06-30", "level": "grassroots"},
        state=status_of("finding", "problem_id"),
        api=True,
    ),
    Row(
        "api:study-session-check-in",
        rule("CLASS_MEMBER", MEM, at=frozenset({"own"})),
        kwargs=pk("study_session"),
        method="POST",
        state=lambda w: w.study_session.attendances.count(),
        api=True,
        note="only a member of the class checks in",
    ),
    Row(
        "api:dispatch-meeting-decide",
        rule("DISPATCH", SUP, LEAD),
        kwargs=pk("meeting"),
        method="POST",
        data=lambda w: {"kind": "note", "text": "下周再议"},
        state=lambda w: w.meeting.decisions.count(),
        api=True,
    ),
    Row(
        "api:publication-withdraw",
        SUPERVISE,
        kwargs=pk("publication"),
        method="POST",
        data=lambda w: {"reason": "撤回"},
        state=status_of("publication", "withdrawn_at"),
        api=True,
    ),
]


def _page_transition(name: str, key: str, action: str, source: str | None, rule_: Rule, data: dict[str, Any]) -> Row:
    return Row(
        name,
        rule_,
        kwargs=lambda w: {"pk": w.items[key].pk, "action": action},
        method="POST",
        setup=set_status(key, source) if source else None,
        data=lambda w: dict(data),
        state=status_of(key),
        case=action,
    )


@dataclass(frozen=True)
class Transition:
    """A workflow transition, made through ``core.services.item_transition`` and, where
    ``page`` names one, through the page that triggers it."""

    key: str
    action: str
    source: str
    rule: Rule
    comment: str = ""
    evidence: bool = False
    page: str = ""
    page_data: dict[str, Any] = field(default_factory=dict)
    # Puts the item into ``source`` with whatever else that status needs (a claimant).
    setup: Callable[[Any], None] | None = None
    page_rule: Rule | None = None
    # Columns the transition function sets with the status (the claimant of a claim).
    fields: Callable[[Any, Any], dict[str, Any]] | None = None

    @property
    def id(self) -> str:
        return f"{self.key}.{self.action}"


def _owned(w: Any, key: str, *, owner: tuple[str, str], status: str, claimant_org: bool = False) -> None:
    """The item in ``status``, claimed by ``owner`` (and, for a micro-project, their unit)."""
    item = w.items[key]
    user = w.users[owner]
    fields: dict[str, Any] = {"owner": user, "status": status}
    if claimant_org:
        fields["claimant_org"] = user.home_org
    type(item).objects.filter(pk=item.pk).update(**fields)


_CLOSURE = {"comment": "已整改"}
_WHY = {"comment": "原因"}
WORKFLOW: list[Transition] = [
    # Problem (closure needs evidence and no open measure: the bare problem)
    Transition(
        "bare_problem", "request_closure", "rectifying", FIX, evidence=True, page="rectification:problem_action"
    ),
    Transition(
        "bare_problem",
        "approve_closure",
        "closure_requested",
        APPROVE,
        page="rectification:problem_action",
        page_data={"closure_kind": "rectified"},
    ),
    Transition(
        "bare_problem",
        "send_back",
        "closure_requested",
        CHECK,
        comment="证据不足",
        page="rectification:problem_action",
        page_data=_WHY,
    ),
    Transition(
        "bare_problem",
        "reopen",
        "closed",
        SUPERVISE,
        comment="反弹",
        page="rectification:problem_action",
        page_data=_WHY,
    ),
    # Measure
    Transition("measure", "request_closure", "rectifying", FIX, evidence=True),
    Transition("measure", "approve_closure", "closure_requested", APPROVE),
    Transition("measure", "send_back", "closure_requested", CHECK, comment="证据不足"),
    Transition("measure", "reopen", "closed", SUPERVISE, comment="反弹"),
    # Suggestion
    Transition(
        "suggestion",
        "route",
        "received",
        ACT,
        page="intake:suggestion_action",
        page_data={"org": lambda w: w.street.pk, "comment": "请街道处理"},
    ),
    Transition("suggestion", "to_problem", "received", ACT, fields=lambda w, user: {"problem_id": w.problem.pk}),
    Transition(
        "suggestion",
        "answer",
        "received",
        ACT,
        comment="已修好",
        page="intake:suggestion_action",
        page_data={"reply": "已修好"},
    ),
    Transition(
        "suggestion",
        "mark_duplicate",
        "received",
        ACT,
        page="intake:suggestion_action",
        fields=lambda w, user: {"duplicate_of_id": w.earlier_suggestion.pk},
        page_data={"duplicate_of": lambda w: w.earlier_suggestion.pk},
    ),
    Transition(
        "suggestion",
        "reopen",
        "answered",
        rule("REOPEN", SUP, LEAD),
        comment="未解决",
        page="intake:suggestion_action",
        page_data=_WHY,
    ),
    # Wish and micro-project
    Transition(
        "wish",
        "claim",
        "posted",
        rule("CLAIM", MEM, CLERK, LEAD),
        page="wishes:wish_action",
        fields=lambda w, user: {"owner_id": user.pk},
        page_rule=rule("CLAIM", CLERK, LEAD).but(plus=((MEM, "own"),)),
    ),
    Transition("wish", "confirm", "fulfilled", ACT, page="wishes:wish_action"),
    Transition("wish", "withdraw", "posted", ACT, comment="重复", page="wishes:wish_action", page_data=_WHY),
    Transition("micro_project", "confirm", "fulfilled", ACT, page="wishes:project_action"),
    Transition(
        "micro_project", "withdraw", "posted", ACT, comment="重复", page="wishes:project_action", page_data=_WHY
    ),
    Transition(
        "wish",
        "fulfil",
        "claimed",
        rule("CLAIMANT", MEM, at=frozenset({"own"})),
        evidence=True,
        page_data={"photos": lambda w: photo(), "note": "已送到"},
        setup=lambda w: _owned(w, "wish", owner=(MEM, "own"), status="claimed"),
        page="wishes:wish_action",
    ),
    Transition(
        "wish",
        "release",
        "claimed",
        ACT.but(plus=((MEM, "own"),)),
        comment="不能完成",
        setup=lambda w: _owned(w, "wish", owner=(MEM, "own"), status="claimed"),
        page="wishes:wish_action",
        page_data=_WHY,
    ),
    # A micro-project is claimed by any unit's clerk or leader, for their unit (here community B).
    Transition(
        "micro_project",
        "claim",
        "posted",
        rule("UNIT_CLAIM", CLERK, LEAD, at=ANYWHERE),
        fields=lambda w, user: {"owner_id": user.pk, "claimant_org_id": user.home_org_id},
    ),
    Transition(
        "micro_project",
        "fulfil",
        "claimed",
        rule("CLAIMANT_UNIT", CLERK, LEAD, at=frozenset({"parent", "sibling"})),
        evidence=True,
        setup=lambda w: _owned(w, "micro_project", owner=(CLERK, "sibling"), status="claimed", claimant_org=True),
    ),
    Transition(
        "micro_project",
        "release",
        "claimed",
        ACT.but(plus=((CLERK, "sibling"), (LEAD, "sibling"))),
        comment="不能完成",
        setup=lambda w: _owned(w, "micro_project", owner=(CLERK, "sibling"), status="claimed", claimant_org=True),
    ),
    # Key project and key task
    Transition("key_project", "request_closure", "under_way", FIX, evidence=True, page="projects:project_action"),
    Transition("key_project", "approve_closure", "closure_requested", APPROVE, page="projects:project_action"),
    Transition(
        "key_project",
        "send_back",
        "closure_requested",
        CHECK,
        comment="证据不足",
        page="projects:project_action",
        page_data=_WHY,
    ),
    Transition(
        "key_project", "reopen", "closed", SUPERVISE, comment="反弹", page="projects:project_action", page_data=_WHY
    ),
    Transition("key_task", "request_closure", "under_way", FIX, evidence=True, page="projects:task_action"),
    Transition("key_task", "approve_closure", "closure_requested", APPROVE, page="projects:task_action"),
    Transition(
        "key_task",
        "send_back",
        "closure_requested",
        CHECK,
        comment="证据不足",
        page="projects:task_action",
        page_data=_WHY,
    ),
    Transition("key_task", "reopen", "closed", SUPERVISE, comment="反弹", page="projects:task_action", page_data=_WHY),
    # Dispatch task
    Transition("task", "report_done", "in_progress", FIX, evidence=True, page="supervision:task_action"),
    Transition("task", "accept", "completion_requested", APPROVE, page="supervision:task_action"),
    Transition(
        "task",
        "send_back",
        "completion_requested",
        APPROVE,
        comment="未完成",
        page="supervision:task_action",
        page_data=_WHY,
    ),
    # Campaign (of community A's own work, so that positions mean what they say)
    Transition("campaign", "conclude", "active", CAMPAIGNS, comment="结束"),
    Transition("campaign", "start", "planned", CAMPAIGNS),
    Transition("campaign", "reopen", "closed", SUPERVISE, comment="重开"),
]
