"""Figures on the dashboard as offices write them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from core.templatetags.taizhang import cn_number

register = template.Library()


@register.filter
def figure(value: Any) -> Any:
    """A count as 1.2万 from ten thousand up (``cn_number``); text (a rate, a dash) as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return cn_number(value)
