"""Amounts as offices write them: 万元 stored, shown as 1.2万元, 220亿元."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import gettext as _

from core.templatetags.taizhang import cn_number

register = template.Library()


@register.filter
def wan_yuan(value: Any) -> str:
    """An amount in 万元 as offices write it: 3500万元, 1.2亿元, 220亿元."""
    if value is None or value == "":
        return ""
    try:
        yuan = Decimal(str(value)) * 10000
    except InvalidOperation:
        return ""
    return _("%(amount)s yuan") % {"amount": cn_number(yuan, 2)}
