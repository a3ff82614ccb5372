"""The demo's log-ins keep the demo password: nobody is forced to change it.

Runs last (``accounts`` is the last app in INSTALLED_APPS): every loader before it made
its log-ins through ``orgs.services.person_create``, which marks a password someone else
set as one to change at the first sign-in. On a developer's machine the published demo
password is the point, so ``make run`` and the browser tests sign in straight away.
"""

from __future__ import annotations

from accounts.services import password_keep_initial
from core.demo import DemoContext


def load(context: DemoContext) -> None:
    for account in context.accounts:
        password_keep_initial(user=account.person)
