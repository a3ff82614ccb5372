"""The permission matrix of issue 8: every page, API endpoint and workflow transition,
for each role held at the item's own org, at its parent, at a sibling, and for the
public — the expected allow or deny from the one table in ``matrix.py``, and nothing
else passes.

Allowed: a 2xx/3xx answer that is not a redirect to the sign-in page, and for a POST the
state the row names has changed. Denied: 403 or 404 (or, for the public, the sign-in
redirect or 401/403 from the API), and the state unchanged.
"""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.errors import DomainError
from security_tests.conftest import POSITIONS, PUBLIC, ROLES, World
from security_tests.matrix import API, EXCLUDED, PAGES, WORKFLOW, Row, Transition, evidence

pytestmark = pytest.mark.django_db


def _page_rows() -> list[Row]:
    rows = list(PAGES)
    for transition in WORKFLOW:
        if not transition.page:
            continue
        data: dict[str, Any] = dict(transition.page_data)
        key, source, action = transition.key, transition.source, transition.action
        rows.append(
            Row(
                transition.page,
                transition.page_rule or transition.rule,
                kwargs=lambda w, key=key, action=action: {"pk": w.items[key].pk, "action": action},
                method="POST",
                setup=_prepare(key, source, transition.setup),
                data=lambda w, data=data, needs=transition.evidence: _with_evidence(w, data, needs),
                state=_status(key),
                case=f"{key}.{action}",
            )
        )
    return rows


def _prepare(key: str, value: str, setup: Any) -> Any:
    def move(w: World) -> None:
        if setup is not None:
            setup(w)
            return
        item = w.items[key]
        type(item).objects.filter(pk=item.pk).update(status=value)

    return move


def _status(key: str) -> Any:
    return lambda w: type(w.items[key]).objects.get(pk=w.items[key].pk).status


def _with_evidence(w: World, data: dict[str, Any], needs: bool) -> dict[str, Any]:
    data = {name: value(w) if callable(value) else value for name, value in data.items()}
    data.setdefault("comment", "说明")
    if needs:
        data["evidence"] = evidence()
    return data


ROWS: list[Row] = _page_rows() + API
WHO: list[tuple[str, str]] = [(role, position) for role in ROLES for position in POSITIONS] + [(PUBLIC, "-")]


def _who_id(who: tuple[str, str]) -> str:
    return f"{who[0]}@{who[1]}" if who[0] != PUBLIC else PUBLIC


# --------------------------------------------------------------------------- completeness


def _named_patterns(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            names |= _named_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def _excluded(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in EXCLUDED)


def test_every_url_pattern_is_in_the_table() -> None:
    """A page or endpoint added without a row (or an explicit exclusion) fails here."""
    names = {n for n in _named_patterns(get_resolver().url_patterns) if not n.endswith("-format")}
    tabled = {row.name for row in ROWS}
    missing = sorted(n for n in names if n not in tabled and not _excluded(n))
    assert not missing, f"URL patterns missing from security_tests/matrix.py: {missing}"
    unknown = sorted(tabled - names)
    assert not unknown, f"rows naming no URL pattern: {unknown}"


def test_every_workflow_transition_is_in_the_table() -> None:
    """Each TrackedItem model's workflow transitions are all rows of WORKFLOW (or named
    as made by the system only)."""
    from django.apps import apps

    system_only = {("Wish", "lapse"), ("MicroProject", "lapse"), ("Suggestion", "rate")}
    declared: set[tuple[str, str]] = set()
    for model in apps.get_models():
        workflow = model.__dict__.get("workflow")
        if workflow is None or model._meta.app_label == "workflow_app":
            continue
        declared |= {(model.__name__, name) for name in workflow.transitions}
    world_models = {
        "bare_problem": "Problem",
        "measure": "Measure",
        "suggestion": "Suggestion",
        "wish": "Wish",
        "micro_project": "MicroProject",
        "key_project": "KeyProject",
        "key_task": "KeyTask",
        "task": "DispatchTask",
        "campaign": "Campaign",
    }
    tabled = {(world_models[t.key], t.action) for t in WORKFLOW}
    missing = sorted(declared - tabled - system_only)
    assert not missing, f"workflow transitions missing from security_tests/matrix.py: {missing}"


# --------------------------------------------------------------------------- pages and API


def _client(world: World, role: str, position: str) -> Client:
    client = Client()
    if role != PUBLIC:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[(role, position)]
    return client


def _api_ids(response: Any) -> set[Any]:
    """The ids of the objects an API list answered (paginated or not)."""
    data = response.json()
    rows = data.get("results", []) if isinstance(data, dict) else data
    return {row.get("id") for row in rows if isinstance(row, dict)}


def _listed(row: Row, world: World, response: Any) -> bool:
    marker = row.lists(world)  # type: ignore[misc]
    if row.api:
        return marker in _api_ids(response)
    return str(marker) in _body(response)


def _outcome(response: Any) -> str:
    code = response.status_code
    if code in (401, 403, 404):
        return "deny"
    if 300 <= code < 400:
        # The sign-in page (or the second step of a sign-in) is where the public is sent.
        return "login" if response.get("Location", "").startswith(reverse("login")) else "allow"
    if 200 <= code < 300:
        return "allow"
    return f"status {code}"


def _messages(response: Any) -> str:
    from django.contrib.messages import get_messages

    request = getattr(response, "wsgi_request", None)
    return " ".join(str(m) for m in get_messages(request)) if request is not None else ""


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("who", WHO, ids=_who_id)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_matrix(world: World, row: Row, who: tuple[str, str]) -> None:
    role, position = who
    expected = row.rule.allows(role, position)
    if row.setup:
        row.setup(world)
    before = row.state(world) if row.state else None
    url = reverse(row.name, kwargs=row.kwargs(world))
    client = _client(world, role, position)
    data = row.data(world) if row.data else {}
    if row.method == "GET":
        response = client.get(url + row.query)
    elif row.api and not any(hasattr(value, "read") or isinstance(value, list) for value in data.values()):
        response = client.post(url, data, content_type="application/json")
    else:
        response = client.post(url, data)
    outcome = _outcome(response)
    after = row.state(world) if row.state else None
    where = (
        f"{row.id} as {_who_id(who)} (rule {row.rule.name}): {response.status_code} {response.get('Location', '')}"
        f" {_messages(response)}"
    )
    if row.login_ok and outcome == "login":
        outcome = "allow"
    if row.state and outcome == "allow" and after == before:
        # A page refuses an action with a message and a redirect back to the item (or
        # the form again, with the refusal as its error): the state says it was refused.
        outcome = "refused"
    if expected:
        assert outcome == "allow", f"expected allowed, got {outcome}: {where}"
        if row.state:
            assert after != before, f"allowed but nothing changed ({before!r}): {where}"
        if row.lists and row.shows is not None:
            sees = row.shows.allows(role, position)
            listed = _listed(row, world, response)
            assert listed == sees, (
                f"item {'' if sees else 'not '}expected in the list, {'' if listed else 'not '}listed: {where}"
            )
    else:
        refusals = {"deny", "refused"} | ({"login"} if role == PUBLIC else set())
        assert outcome in refusals, f"expected denied, got {outcome}: {where}"
        if row.state:
            assert after == before, f"denied but the state changed ({before!r} → {after!r}): {where}"


# --------------------------------------------------------------------------- workflow services


@pytest.mark.parametrize("who", WHO, ids=_who_id)
@pytest.mark.parametrize("transition", WORKFLOW, ids=lambda t: t.id)
def test_workflow_service(world: World, transition: Transition, who: tuple[str, str]) -> None:
    """The transition function itself: allowed → the status moves; denied → refused, unchanged."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from core.errors import PermissionDenied as Refused
    from core.services import item_transition

    role, position = who
    expected = transition.rule.allows(role, position)
    item = world.items[transition.key]
    model = type(item)
    if transition.setup is not None:
        transition.setup(world)
    else:
        model.objects.filter(pk=item.pk).update(status=transition.source)
    item = model.objects.get(pk=item.pk)
    user = world.user(role, position) or AnonymousUser()
    try:
        item_transition(
            item=item,
            action=transition.action,
            acting_user=user,
            comment=transition.comment or "说明",
            evidence=[evidence()] if transition.evidence else [],
            fields=transition.fields(world, user) if transition.fields and role != PUBLIC else None,
        )
        refused = None
    except (PermissionDenied, DomainError) as error:
        refused = error
    after = model.objects.get(pk=item.pk).status
    if expected:
        assert refused is None, f"{transition.id} refused for {_who_id(who)}: {refused}"
        assert after != transition.source or transition.source == model.workflow.get(transition.action).target
    else:
        assert isinstance(refused, PermissionDenied | Refused), (
            f"{transition.id} not refused for {_who_id(who)}: {refused}"
        )
        assert after == transition.source
