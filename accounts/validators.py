"""Password rules, as Django password validators (``AUTH_PASSWORD_VALIDATORS``).

They run wherever Django checks a password: the password change page, the services that
create accounts and set passwords, ``createsuperuser`` and ``changepassword``. The
history validator also hears every password change (Django calls ``password_changed``
of each validator when a user is saved after ``set_password``), so the history is kept
whatever path changed the password.
"""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password, is_password_usable
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHARACTER_CLASSES = (
    ("upper", lambda c: c.isupper()),
    ("lower", lambda c: c.islower()),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum() and not c.isspace() and c.isprintable()),
)


class ComplexityValidator:
    """At least ``min_length`` characters of at least ``min_classes`` of the four
    classes: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_length: int = 8, min_classes: int = 3) -> None:
        self.min_length = min_length
        self.min_classes = min_classes

    def classes_in(self, password: str) -> int:
        return sum(1 for _name, test in CHARACTER_CLASSES if any(test(c) for c in password))

    def validate(self, password: str, user: Any = None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    ngettext(
                        "The password needs at least %(min_length)d character.",
                        "The password needs at least %(min_length)d characters.",
                        self.min_length,
                    ),
                    code="password_too_short",
                    params={"min_length": self.min_length},
                )
            )
        if self.classes_in(password) < self.min_classes:
            errors.append(
                ValidationError(
                    _(
                        "The password needs characters of at least %(classes)d kinds among upper-case "
                        "letters, lower-case letters, digits and symbols."
                    ),
                    code="password_too_simple",
                    params={"classes": self.min_classes},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "At least %(min_length)d characters, of at least %(classes)d kinds among upper-case letters, "
            "lower-case letters, digits and symbols."
        ) % {"min_length": self.min_length, "classes": self.min_classes}


class PersonalInformationValidator:
    """Not the user name, the real name or the mobile number, nor containing them."""

    # Shorter values would forbid too much (a two-letter user name in any password).
    MIN_USERNAME_LENGTH = 3
    MIN_MOBILE_LENGTH = 6

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        username = (getattr(user, "username", "") or "").strip().lower()
        real_name = (getattr(user, "real_name", "") or "").strip().lower()
        mobile = "".join(c for c in (getattr(user, "mobile", "") or "") if c in string.digits)
        if len(username) >= self.MIN_USERNAME_LENGTH and username in lowered:
            raise ValidationError(_("The password may not contain your user name."), code="password_has_username")
        if real_name and real_name in lowered:
            raise ValidationError(_("The password may not contain your name."), code="password_has_name")
        if len(mobile) >= self.MIN_MOBILE_LENGTH and mobile in password:
            raise ValidationError(_("The password may not contain your mobile number."), code="password_has_mobile")

    def get_help_text(self) -> str:
        return _("Not containing your user name, your name or your mobile number.")


class PasswordHistoryValidator:
    """Not one of the account's last ``count`` passwords (the current one included)."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def _recent_hashes(self, user: Any) -> list[str]:
        from accounts.models import PasswordHistory

        if user is None or getattr(user, "pk", None) is None:
            return []
        return list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-created_at", "-id")
            .values_list("password", flat=True)[: self.count]
        )

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        hashes = self._recent_hashes(user)
        current = getattr(user, "password", "")
        if current and is_password_usable(current) and current not in hashes:
            hashes.insert(0, current)  # accounts whose password predates the history
        if any(check_password(password, encoded) for encoded in hashes[: self.count]):
            raise ValidationError(
                ngettext(
                    "The password may not be the same as your last password.",
                    "The password may not be one of your last %(count)d passwords.",
                    self.count,
                ),
                code="password_reused",
                params={"count": self.count},
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        """Keep the new password's hash; drop those older than the last ``count``."""
        from accounts.models import PasswordHistory

        if user is None or getattr(user, "pk", None) is None or not is_password_usable(user.password):
            return
        with transaction.atomic():
            latest = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id").first()
            if latest is not None and (latest.password == user.password or check_password(password, latest.password)):
                return  # the same password re-hashed (a stronger hasher), not a new one
            PasswordHistory.objects.create(user_id=user.pk, password=user.password)
            stale = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id")[self.count :]
            stale_ids = list(stale.values_list("id", flat=True))
            if stale_ids:
                PasswordHistory.objects.filter(id__in=stale_ids).delete()

    def get_help_text(self) -> str:
        return ngettext(
            "Not the same as your last password.",
            "Not one of your last %(count)d passwords.",
            self.count,
        ) % {"count": self.count}
