"""Background jobs of the wish wall: claims not fulfilled in time lapse every night."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wishes.services import claims_lapse


@db_periodic_task(crontab(hour="0", minute="30"))
def lapse_claims() -> int:
    """Every night at 00:30: claims past their deadline go back on the wall."""
    return claims_lapse()
