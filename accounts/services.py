"""Every change to an account's security: passwords, sign-ins, the second factor.

Keyword-only, one transaction each; the changes users make to their own account write
an ``Event`` on the account, which the audit log mirrors.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountSecurity
from core.errors import DomainError
from core.services import event_record

OTP_DEVICE_NAME = "authenticator"


def _security_for_update(user: Any) -> AccountSecurity:
    security, _created = AccountSecurity.objects.select_for_update().get_or_create(user_id=user.pk)
    return security


def password_validate(*, password: str, user: Any) -> None:
    """Run the password rules (``AUTH_PASSWORD_VALIDATORS``) for ``user``; a refusal is a
    ``DomainError`` on the field ``password`` naming every rule broken."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password", code="password_invalid") from None


@transaction.atomic
def password_mark_initial(*, user: Any) -> AccountSecurity:
    """The password was set by someone else: the account must change it at its next
    sign-in (the gate middleware allows nothing else until then)."""
    security = _security_for_update(user)
    security.must_change_password = True
    security.password_changed_at = timezone.now()
    security.save(update_fields=["must_change_password", "password_changed_at"])
    return security


@transaction.atomic
def password_keep_initial(*, user: Any) -> AccountSecurity:
    """Let the account keep the password someone else set (the demo's log-ins, whose
    password is published in the README, so that ``make run`` and the browser tests can
    use them as they are)."""
    security = _security_for_update(user)
    security.must_change_password = False
    security.save(update_fields=["must_change_password"])
    return security


@transaction.atomic
def password_change(*, user: Any, new_password: str) -> Any:
    """The account holder chooses a new password (checked against the rules and the
    history, which the save records); a forced change is thereby done."""
    password_validate(password=new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    security = _security_for_update(user)
    security.must_change_password = False
    security.password_changed_at = timezone.now()
    security.save(update_fields=["must_change_password", "password_changed_at"])
    event_record(item=user, actor=user, action="password_changed", org=getattr(user, "home_org", None))
    return user


def must_change_password(user: Any) -> bool:
    """True while the account's password is one someone else set."""
    return AccountSecurity.objects.filter(user_id=user.pk, must_change_password=True).exists()


@transaction.atomic
def sign_in_record(*, user: Any, address: str) -> AccountSecurity:
    """Note a successful sign-in; the one before it becomes the "previous" sign-in that
    the account holder is shown."""
    security = _security_for_update(user)
    security.previous_login_at = security.last_login_at
    security.previous_login_address = security.last_login_address
    security.last_login_at = timezone.now()
    security.last_login_address = address[:64]
    security.save(update_fields=["previous_login_at", "previous_login_address", "last_login_at", "last_login_address"])
    return security


# --- Second factor (TOTP) --------------------------------------------------------------


def otp_required_roles() -> list[str]:
    return [role.strip() for role in getattr(settings, "OTP_REQUIRED_ROLES", []) if role.strip()]


def otp_required(user: Any) -> bool:
    """True when the account holds a role that must sign in with a second factor."""
    from orgs.models import RoleGrant

    roles = otp_required_roles()
    return bool(roles) and RoleGrant.objects.filter(user_id=user.pk, role__in=roles).exists()


def otp_device(user: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    """The account's authenticator (confirmed, or the one being enrolled)."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=confirmed).order_by("pk").first()


def otp_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def otp_enrolment_start(*, user: Any) -> TOTPDevice:
    """An unconfirmed authenticator for ``user`` (the same one until it is confirmed, so
    reloading the page does not change the QR code)."""
    device = otp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=OTP_DEVICE_NAME, confirmed=False)
    return device


def _verify(device: TOTPDevice, token: str) -> bool:
    token = (token or "").strip().replace(" ", "")
    return len(token) == device.digits and token.isdigit() and device.verify_token(token)


def otp_enrolment_confirm(*, user: Any, token: str) -> TOTPDevice:
    """Confirm the authenticator being enrolled with a code it shows; the account then
    signs in with a code after its password. Any earlier authenticator is replaced."""
    device = otp_device(user, confirmed=False)
    if device is None:
        raise DomainError(_("Start the set-up again: no authenticator is being added."), field="token")
    # Verified outside the transaction below: a wrong code must still count (throttling).
    if not _verify(device, token):
        raise DomainError(_("The code is not right. Enter the 6 digits the app shows now."), field="token")
    with transaction.atomic():
        # Read again under a lock: an administrator may have reset the account meanwhile
        # (``otp_reset``), removing the device being confirmed.
        if not TOTPDevice.objects.select_for_update().filter(pk=device.pk).exists():
            raise DomainError(_("Start the set-up again: no authenticator is being added."), field="token")
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        event_record(item=user, actor=user, action="otp_enabled", org=getattr(user, "home_org", None))
    return device


def otp_remove(*, user: Any, token: str) -> None:
    """Remove the account's authenticator, on a current code from it."""
    device = otp_device(user)
    if device is None:
        raise DomainError(_("Two-step verification is not turned on."), field="token")
    if not _verify(device, token):
        raise DomainError(_("The code is not right. Enter the 6 digits the app shows now."), field="token")
    with transaction.atomic():
        _otp_delete(user=user, actor=user, action="otp_disabled")


@transaction.atomic
def otp_reset(*, user: Any, acting_user: Any) -> None:
    """Remove the account's authenticators for an administrator (a lost phone), who
    needs no code from it: who may do so is ``orgs.services.person_reset_otp``'s to
    decide, which calls this."""
    if not _otp_delete(user=user, actor=acting_user, action="otp_reset"):
        raise DomainError(_("This person has no authenticator to reset."))


def _otp_delete(*, user: Any, actor: Any, action: str) -> bool:
    """Delete every authenticator of ``user`` and record ``action``, inside the caller's
    transaction; ``False`` (and no event) when there was none."""
    removed, _by_model = TOTPDevice.objects.filter(user_id=user.pk).delete()
    if removed:
        event_record(item=user, actor=actor, action=action, org=getattr(user, "home_org", None))
    return bool(removed)


def otp_throttled(user: Any) -> bool:
    """True while the account's authenticator refuses codes after a wrong one (django-otp
    waits 1, 2, 4, … seconds after successive failures)."""
    device = otp_device(user)
    return device is not None and not device.verify_is_allowed()[0]


def otp_check(*, user: Any, token: str) -> TOTPDevice | None:
    """The confirmed authenticator if ``token`` is a code it shows now, else ``None``
    (each code works once; wrong codes slow further tries down)."""
    device = otp_device(user)
    if device is None or not _verify(device, token):
        return None
    return device
