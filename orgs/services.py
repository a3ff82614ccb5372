"""Every change to the org tree, people and role grants; each writes its event."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from core.errors import DomainError, PermissionDenied
from core.personal import forget_org_paths
from core.services import event_record
from orgs.choices import (
    ACCOUNT_MANAGING_ROLES,
    ADMIN_DUTY_ROLES,
    PEOPLE_EDITING_ROLES,
    ROLE_GRANTING_ROLES,
    MemberCategory,
    OrgKind,
    Role,
)
from orgs.models import Org, RoleGrant, User, mobile_validator
from orgs.permissions import holds_role_over

# Sent inside ``org_move``'s transaction with ``old_path`` and ``new_path`` of the moved
# subtree's root, for apps that copy org paths onto their rows to rewrite them there.
org_moved = Signal()

PERSON_FIELDS = ("real_name", "mobile", "is_party_member", "member_category", "position", "email")
ORG_FIELDS = ("name", "short_name", "kind")


def _require(user: Any, org: Org | None, roles: frozenset[str], message: str) -> None:
    """Refuse unless ``user`` holds one of ``roles`` over ``org``; only superusers act on
    people without a home org (installer accounts)."""
    if getattr(user, "is_superuser", False):
        return
    if org is None or not holds_role_over(user, org, roles):
        raise PermissionDenied(message)


def _check_person(*, mobile: str, is_party_member: bool, member_category: str) -> None:
    if mobile:
        try:
            mobile_validator(mobile)
        except Exception:
            raise DomainError(
                _("“%(mobile)s” is not a valid mobile number (11 digits starting with 13–19).") % {"mobile": mobile},
                field="mobile",
            ) from None
    if member_category and not is_party_member:
        raise DomainError(_("Only party members have a member category."), field="member_category")
    if member_category and member_category not in MemberCategory.values:
        raise DomainError(_("Unknown member category."), field="member_category")


@transaction.atomic
def org_create(*, parent: Org | None, name: str, code: str, kind: str, acting_user: Any, short_name: str = "") -> Org:
    """Add an org under ``parent`` (a new root when ``None``, superusers only)."""
    name, code = name.strip(), code.strip()
    if not name:
        raise DomainError(_("An org needs a name."), field="name")
    if not code:
        raise DomainError(_("An org needs a code."), field="code")
    if kind not in OrgKind.values:
        raise DomainError(_("Unknown kind of org."), field="kind")
    if parent is None:
        if not getattr(acting_user, "is_superuser", False):
            raise PermissionDenied(_("Only the installer may create a new top-level org."))
    else:
        _require(acting_user, parent, ACCOUNT_MANAGING_ROLES, _("You may not add orgs here."))
    if Org.objects.filter(code=code).exists():
        raise DomainError(_("The code “%(code)s” is already used.") % {"code": code}, field="code")
    fields = {"name": name, "code": code, "kind": kind, "short_name": short_name.strip()}
    org = Org.objects.add_root(fields) if parent is None else Org.objects.add_child(parent, fields)
    event_record(item=org, actor=acting_user, action="created", org=org, changes=fields)
    return org


@transaction.atomic
def org_update(*, org: Org, acting_user: Any, **changes: Any) -> Org:
    """Rename an org or change its kind."""
    _require(acting_user, org, ACCOUNT_MANAGING_ROLES, _("You may not change this org."))
    unknown = set(changes) - set(ORG_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)})
    if "name" in changes and not str(changes["name"]).strip():
        raise DomainError(_("An org needs a name."), field="name")
    if "kind" in changes and changes["kind"] not in OrgKind.values:
        raise DomainError(_("Unknown kind of org."), field="kind")
    diff = {k: [getattr(org, k), v] for k, v in changes.items() if getattr(org, k) != v}
    for key, value in changes.items():
        setattr(org, key, value)
    org.save(update_fields=[*changes, "updated_at"])
    if diff:
        event_record(item=org, actor=acting_user, action="updated", org=org, changes=diff)
    return org


@transaction.atomic
def org_move(*, org: Org, new_parent: Org, acting_user: Any) -> Org:
    """Move ``org`` and its subtree under ``new_parent``; the paths below are rewritten."""
    _require(acting_user, org, ACCOUNT_MANAGING_ROLES, _("You may not move this org."))
    _require(acting_user, new_parent, ACCOUNT_MANAGING_ROLES, _("You may not move orgs to there."))
    if new_parent.path.startswith(org.path):
        raise DomainError(_("An org cannot be moved under itself."), field="parent")
    old_parent = Org.objects.get_parent(org)
    old_path = Org.objects.filter(pk=org.pk).values_list("path", flat=True).get()
    Org.objects.move(org, new_parent, "last-child")
    org.refresh_from_db()
    org_moved.send(sender=Org, old_path=old_path, new_path=org.path)
    # Masking of personal data reads org paths from a per-process map: start it afresh
    # now and again once the move is committed (a reload in between read old paths).
    forget_org_paths()
    transaction.on_commit(forget_org_paths)
    event_record(
        item=org,
        actor=acting_user,
        action="moved",
        org=org,
        changes={"parent": [old_parent.code if old_parent else None, new_parent.code]},
    )
    return org


@transaction.atomic
def org_set_head(*, org: Org, head: User | None, acting_user: Any) -> Org:
    """Name the unit head (一把手), who is told of the unit's escalations and findings."""
    _require(acting_user, org, ACCOUNT_MANAGING_ROLES, _("You may not change this org."))
    old = org.head
    if (old.pk if old else None) != (head.pk if head else None):
        org.head = head
        org.save(update_fields=["head", "updated_at"])
        event_record(
            item=org,
            actor=acting_user,
            action="head_set",
            org=org,
            changes={"head": [old.username if old else None, head.username if head else None]},
        )
    return org


@transaction.atomic
def org_set_active(*, org: Org, active: bool, acting_user: Any) -> Org:
    """Deactivate an org (kept for history) or bring it back."""
    _require(acting_user, org, ACCOUNT_MANAGING_ROLES, _("You may not change this org."))
    if org.is_active != active:
        org.is_active = active
        org.save(update_fields=["is_active", "updated_at"])
        event_record(item=org, actor=acting_user, action="activated" if active else "deactivated", org=org)
    return org


@transaction.atomic
def person_create(
    *,
    acting_user: Any,
    username: str,
    real_name: str,
    home_org: Org,
    mobile: str = "",
    is_party_member: bool = False,
    member_category: str = "",
    position: str = "",
    email: str = "",
    password: str | None = None,
) -> User:
    """Create an account for a person at ``home_org``.

    Without ``password`` the account cannot log in until an administrator sets one.
    """
    _require(acting_user, home_org, PEOPLE_EDITING_ROLES, _("You may not add people to this org."))
    username, real_name = username.strip(), real_name.strip()
    if not username:
        raise DomainError(_("An account needs a user name."), field="username")
    if not real_name:
        raise DomainError(_("A person needs a name."), field="real_name")
    _check_person(mobile=mobile, is_party_member=is_party_member, member_category=member_category)
    if User.objects.filter(username=username).exists():
        raise DomainError(_("The user name “%(name)s” is taken.") % {"name": username}, field="username")
    user = User(
        username=username,
        real_name=real_name,
        home_org=home_org,
        mobile=mobile,
        is_party_member=is_party_member,
        member_category=member_category,
        position=position,
        email=email,
    )
    if password:
        from accounts.services import password_mark_initial, password_validate

        password_validate(password=password, user=user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if password:
        # Someone else chose it: the person changes it at the first sign-in.
        password_mark_initial(user=user)
    event_record(
        item=user,
        actor=acting_user,
        action="created",
        org=home_org,
        changes={"username": username, "real_name": real_name, "home_org": home_org.code},
    )
    return user


@transaction.atomic
def person_update(*, person: User, acting_user: Any, home_org: Org | None = None, **changes: Any) -> User:
    """Change a person's data; moving them to another org needs rights at both."""
    _require(acting_user, person.home_org, PEOPLE_EDITING_ROLES, _("You may not change this person."))
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)})
    merged = {k: changes.get(k, getattr(person, k)) for k in PERSON_FIELDS}
    if not str(merged["real_name"]).strip():
        raise DomainError(_("A person needs a name."), field="real_name")
    _check_person(
        mobile=merged["mobile"], is_party_member=merged["is_party_member"], member_category=merged["member_category"]
    )
    diff = {k: [getattr(person, k), v] for k, v in changes.items() if getattr(person, k) != v}
    if home_org is not None and home_org.pk != person.home_org_id:
        _require(acting_user, home_org, PEOPLE_EDITING_ROLES, _("You may not move people to this org."))
        diff["home_org"] = [person.home_org.code if person.home_org else None, home_org.code]
        person.home_org = home_org
    for key, value in changes.items():
        setattr(person, key, value)
    person.save()
    if diff:
        event_record(item=person, actor=acting_user, action="updated", org=person.home_org, changes=diff)
    return person


@transaction.atomic
def person_set_password(*, person: User, password: str, acting_user: Any) -> User:
    """An administrator sets a person's password (the person changes it themselves)."""
    _require(acting_user, person.home_org, ACCOUNT_MANAGING_ROLES, _("You may not set this password."))
    from accounts.services import password_mark_initial, password_validate

    password_validate(password=password, user=person)
    person.set_password(password)
    person.save(update_fields=["password"])
    # An initial password: the person must change it at the next sign-in.
    password_mark_initial(user=person)
    event_record(item=person, actor=acting_user, action="password_set", org=person.home_org)
    return person


@transaction.atomic
def person_reset_otp(*, person: User, acting_user: Any) -> User:
    """An administrator removes a person's authenticator (a lost or replaced phone): the
    person signs in with the password alone, or, where their role requires a second
    factor, is asked to add an authenticator again at the next sign-in. Nobody resets
    their own this way: they remove it on their two-step page, with a code from it."""
    _require(acting_user, person.home_org, ACCOUNT_MANAGING_ROLES, _("You may not reset this sign-in."))
    if getattr(acting_user, "pk", None) == person.pk:
        raise PermissionDenied(_("Remove your own authenticator on your two-step verification page."))
    from accounts.services import otp_reset

    otp_reset(user=person, acting_user=acting_user)
    return person


@transaction.atomic
def role_grant(*, user: User, org: Org, role: str, acting_user: Any) -> RoleGrant:
    """Give ``user`` the ``role`` at ``org`` (reaching its subtree).

    Only the security administrator over ``org`` grants roles (三员分立); nobody grants a
    role to themselves, and nobody holds two of the three administrator duties.
    """
    if role not in Role.values:
        raise DomainError(_("Unknown role."), field="role")
    _require(acting_user, org, ROLE_GRANTING_ROLES, _("Only a security administrator may grant roles at this org."))
    if getattr(acting_user, "pk", None) is not None and acting_user.pk == user.pk:
        raise PermissionDenied(_("Nobody may grant a role to themselves."))
    if role in ADMIN_DUTY_ROLES:
        # Lock the person's row so two concurrent grants of two duties cannot both pass.
        User.objects.select_for_update().filter(pk=user.pk).first()
        held = set(user.grants.filter(role__in=ADMIN_DUTY_ROLES).exclude(role=role).values_list("role", flat=True))
        if held:
            raise DomainError(
                _(
                    "%(person)s already holds the duty of %(held)s; the system, security and audit "
                    "administrators must be three different people."
                )
                % {"person": user.real_name or user.username, "held": Role(sorted(held)[0]).label},
                field="role",
            )
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, org=org, role=role)
    except IntegrityError:
        raise DomainError(_("This person already holds this role at this org."), field="role") from None
    event_record(item=user, actor=acting_user, action="role_granted", org=org, changes={"role": role, "org": org.code})
    user.__dict__.pop("_grant_cache", None)
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant, acting_user: Any) -> None:
    """Take a role away; like granting, the security administrator's duty alone."""
    _require(
        acting_user, grant.org, ROLE_GRANTING_ROLES, _("Only a security administrator may revoke roles at this org.")
    )
    event_record(
        item=grant.user,
        actor=acting_user,
        action="role_revoked",
        org=grant.org,
        changes={"role": grant.role, "org": grant.org.code},
    )
    grant.delete()
