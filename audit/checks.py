"""System check: the audit log is kept no less than the 180 days 等保 2.0 asks for."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

MINIMUM_RETENTION_DAYS = 180


def retention_days() -> int:
    return int(getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS))


@register()
def check_retention(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or days < MINIMUM_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS is {days!r}; the audit log must be kept at least {MINIMUM_RETENTION_DAYS} days.",
                hint=f"Set AUDIT_RETENTION_DAYS to {MINIMUM_RETENTION_DAYS} or more.",
                id="audit.E001",
            )
        ]
    return []
