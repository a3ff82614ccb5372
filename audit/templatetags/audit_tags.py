from __future__ import annotations

from typing import Any

from django import template

from audit.selectors import may_read_log

register = template.Library()


@register.filter
def reads_audit_log(user: Any) -> bool:
    """For the menu: the log's link shows only to an audit administrator."""
    return may_read_log(user)
