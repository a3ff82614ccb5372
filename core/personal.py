"""Personal data (real names, mobile phones) shown in full only to those in scope.

A name or phone of a member of staff is shown in full to a viewer who holds a reading
role (``orgs.choices.READING_ROLES``) at an org whose subtree holds the person's home org;
a resident's name or phone on a wish or suggestion to a viewer who reads at the item's
org. Everyone else sees 张** and 138****1234, as on the public pages. Templates use the
tags of ``core.templatetags.taizhang`` (``{% person_name %}``, ``{% person_phone %}``,
``{% resident_name %}``, ``{% resident_phone %}``); exporters call the functions here.

The test is a prefix match of the org's path against the viewer's grant paths, which are
read once per request; org paths come from a per-process map (see ``_org_path``).
"""

from __future__ import annotations

import uuid
from typing import Any

from core.templatetags.taizhang import mask_name, mask_phone

_GENERATION_KEY = "personal:org-paths-generation"
_GENERATION_ATTR = "_personal_org_paths_generation"
# Paths of every org by id, for this process, tagged with the generation they were read
# under. Masking asks for the home org of each person a page names; reading the whole
# table once (50,000 orgs: a few MB) is cheaper than one query per person's org on every
# page, and moves are rare. ``forget_org_paths`` (called by ``orgs.services.org_move``)
# starts a new generation in the shared cache, so every process reloads.
_paths: dict[int, str] = {}
_paths_generation: str | None = None


def _generation() -> str:
    from django.core.cache import cache

    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(_GENERATION_KEY) or ""
    return generation


def forget_org_paths() -> None:
    """Org paths changed (a subtree moved): every process reads them again."""
    from django.core.cache import cache

    cache.set(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _org_path(viewer: Any, org: Any) -> str | None:
    """The path of ``org`` (an Org, its id, or its path as a string) without a query per
    org."""
    global _paths, _paths_generation
    if org is None or org == "":
        return None
    if isinstance(org, str):
        return org
    path = getattr(org, "path", None)
    if path is not None:
        return path
    from orgs.models import Org

    generation = viewer.__dict__.get(_GENERATION_ATTR)
    if generation is None:
        generation = viewer.__dict__[_GENERATION_ATTR] = _generation()
    if generation != _paths_generation:
        _paths = dict(Org.objects.order_by().values_list("pk", "path"))
        _paths_generation = generation
    org_id = int(org)
    if org_id not in _paths:
        found = Org.objects.filter(pk=org_id).values_list("path", flat=True).first()
        if found is None:
            return None
        _paths[org_id] = found
    return _paths[org_id]


def reads_over(viewer: Any, org: Any) -> bool:
    """True if ``viewer`` holds a reading role at ``org`` (an Org or its id) or above it."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    from orgs.choices import READING_ROLES
    from orgs.models import grant_paths

    paths = grant_paths(viewer, READING_ROLES)
    if not paths:
        return False
    path = _org_path(viewer, org)
    if path is None:
        return False
    return any(path.startswith(prefix) for prefix in paths)


def _home_org(person: Any) -> Any:
    """The person's home org if already loaded (no query), else its id."""
    cached = getattr(getattr(person, "_state", None), "fields_cache", {})
    if "home_org" in cached:
        return cached["home_org"]
    return getattr(person, "home_org_id", None)


def sees_person(viewer: Any, person: Any) -> bool:
    """True if ``viewer`` may see the personal data of ``person`` (staff) in full."""
    if person is None:
        return False
    if getattr(viewer, "pk", None) is not None and viewer.pk == getattr(person, "pk", None):
        return True
    return reads_over(viewer, _home_org(person))


def person_name(viewer: Any, person: Any) -> str:
    """The real name of ``person`` (a User), reduced to 张** outside the viewer's scope."""
    if person is None:
        return ""
    name = getattr(person, "real_name", "") or getattr(person, "username", "")
    return name if sees_person(viewer, person) else mask_name(name)


def person_phone(viewer: Any, person: Any) -> str:
    """The mobile of ``person`` (a User), as 138****1234 outside the viewer's scope."""
    if person is None:
        return ""
    phone = getattr(person, "mobile", "") or ""
    return phone if sees_person(viewer, person) else mask_phone(phone)


def mask_email(value: str) -> str:
    """a***@example.cn: the first letter and the domain stay."""
    if not value:
        return ""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_name(value)


def resident_value(viewer: Any, value: str, *, org: Any, kind: str = "name") -> str:
    """A resident's ``value`` (``kind`` name, phone or email) named on an item of ``org``,
    in full for viewers who read at that org, masked for everyone else."""
    if not value:
        return ""
    if reads_over(viewer, org):
        return value
    if kind == "phone":
        return mask_phone(value)
    if kind == "email":
        return mask_email(value)
    return mask_name(value)


class PersonalExport:
    """How one export writes personal data: in full only for holders of
    ``orgs.choices.PERSONAL_EXPORT_ROLES`` (supervisor, leader, clerk, inspector), and then,
    as on the pages, only for people in their reading scope; masked for everyone else
    (the system administrator). ``full`` is what the export view reports to
    ``audit.services.audit_export(personal=...)``.
    """

    def __init__(self, viewer: Any, *, full: bool) -> None:
        self.viewer = viewer
        self.full = full

    @classmethod
    def for_user(cls, user: Any) -> PersonalExport:
        from orgs.choices import PERSONAL_EXPORT_ROLES
        from orgs.models import grant_paths

        if not getattr(user, "is_authenticated", False) or getattr(user, "is_superuser", False):
            # The installer account holds no role: it takes personal data out masked.
            return cls(user, full=False)
        return cls(user, full=bool(grant_paths(user, PERSONAL_EXPORT_ROLES)))

    def name(self, person: Any) -> str:
        """A member of staff's real name for a cell."""
        if person is None:
            return ""
        if not self.full:
            return mask_name(getattr(person, "real_name", "") or getattr(person, "username", ""))
        return person_name(self.viewer, person) if self.viewer is not None else (person.real_name or person.username)

    def phone(self, person: Any) -> str:
        if person is None:
            return ""
        if not self.full:
            return mask_phone(getattr(person, "mobile", "") or "")
        return person_phone(self.viewer, person) if self.viewer is not None else (person.mobile or "")

    def value(self, value: str, *, kind: str = "name", org: Any = None) -> str:
        """A name, phone or e-mail (``kind``) of a person whose home org is ``org`` (an Org,
        its id or its path): in full if the viewer may export personal data and reads
        there (or no ``org`` is given: rows the viewer reads by construction)."""
        if not value:
            return ""
        in_scope = org is None or self.viewer is None or reads_over(self.viewer, org)
        if self.full and in_scope:
            return value
        if kind == "phone":
            return mask_phone(value)
        if kind == "email":
            return mask_email(value)
        return mask_name(value)

    def resident(self, value: str, *, org: Any, kind: str = "name") -> str:
        """A resident's name, phone or e-mail named on an item of ``org``."""
        if not value:
            return ""
        if not self.full:
            return self.value(value, kind=kind)
        if self.viewer is None:
            return value
        return resident_value(self.viewer, value, org=org, kind=kind)


# Internal writers with no viewer (management commands, round-trip tests): in full.
FULL_EXPORT = PersonalExport(None, full=True)


def person_name_field(**kwargs: Any) -> Any:
    """A read-only API field naming a member of staff as ``person_name`` does for the
    caller (``source`` is the User, ``"*"`` for the serialized User itself)."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import extend_schema_field
    from rest_framework import serializers

    @extend_schema_field(OpenApiTypes.STR)
    class PersonNameField(serializers.Field):
        def __init__(self, **options: Any) -> None:
            options["read_only"] = True
            super().__init__(**options)

        def to_representation(self, value: Any) -> str:
            request = self.context.get("request")
            return person_name(getattr(request, "user", None), value)

    return PersonNameField(**kwargs)
