"""Numbers, dates and lights as offices write them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.models import Light

register = template.Library()


def _is_chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@register.filter
def cn_date(value: datetime.date | datetime.datetime | None) -> str:
    """2026年11月23日 in Chinese, 23 Nov 2026 in English; empty for no date."""
    if not value:
        return ""
    return date_filter(value, "Y年n月j日" if _is_chinese() else "j M Y")


@register.filter
def cn_datetime(value: datetime.datetime | None) -> str:
    if not value:
        return ""
    return date_filter(value, "Y年n月j日 H:i" if _is_chinese() else "j M Y H:i")


@register.filter
def cn_number(value: int | float | Decimal | None, digits: int = 1) -> str:
    """1.2万 and 220亿 in Chinese (from ten thousand up), 12,000 in English."""
    if value is None or value == "":
        return ""
    number = float(value)
    if not _is_chinese():
        return f"{number:,.0f}" if number == int(number) else f"{number:,.{digits}f}"
    for unit, size in (("亿", 1e8), ("万", 1e4)):
        if abs(number) >= size:
            scaled = round(number / size, digits)
            text = f"{scaled:.{digits}f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return f"{number:.0f}" if number == int(number) else f"{number:.{digits}f}"


@register.filter
def percent(value: float | Decimal | None, digits: int = 0) -> str:
    """A ratio (0.97) as 97%."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.simple_tag
def light_badge(light: str) -> str:
    """The three-colour light as a small badge with its meaning for screen readers."""
    classes = {
        Light.GREEN: "text-bg-success",
        Light.YELLOW: "text-bg-warning",
        Light.RED: "text-bg-danger",
        Light.GREY: "text-bg-secondary",
    }
    label = Light(light).label if light in Light.values else _("Unknown")
    return format_html('<span class="badge rounded-pill {}" title="{}">●</span>', classes.get(light, ""), label)


@register.filter
def mask_name(value: str | None) -> str:
    """张** : the surname stays, the rest is hidden (public pages)."""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


@register.filter
def mask_phone(value: str | None) -> str:
    """138****1234."""
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)


def _viewer(context: template.Context) -> object:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def person_name(context: template.Context, person: object) -> str:
    """``{% person_name person %}``: a member of staff's real name, in full only for a
    viewer who reads at the person's home org or above (``core.personal``), else 张**.

    Every page that names staff outside the people pages uses this tag (or
    ``person_phone`` for their mobile); residents named on an item use
    ``{% resident_name value item.org %}`` and ``{% resident_phone value item.org %}``."""
    from core.personal import person_name as name_for

    return name_for(_viewer(context), person)


@register.simple_tag(takes_context=True)
def person_phone(context: template.Context, person: object) -> str:
    """``{% person_phone person %}``: a member of staff's mobile, or 138****1234."""
    from core.personal import person_phone as phone_for

    return phone_for(_viewer(context), person)


@register.simple_tag(takes_context=True)
def resident_name(context: template.Context, value: str, org: object) -> str:
    """``{% resident_name item.submitter_name item.org %}``: a resident named on an item,
    in full only for a viewer who reads at the item's org, else 张**."""
    from core.personal import resident_value

    return resident_value(_viewer(context), value, org=org, kind="name")


@register.simple_tag(takes_context=True)
def resident_phone(context: template.Context, value: str, org: object) -> str:
    """``{% resident_phone item.submitter_phone item.org %}``: 138****1234 outside scope."""
    from core.personal import resident_value

    return resident_value(_viewer(context), value, org=org, kind="phone")


@register.simple_tag(takes_context=True)
def resident_email(context: template.Context, value: str, org: object) -> str:
    """``{% resident_email item.submitter_email item.org %}``: a***@example.cn outside scope."""
    from core.personal import resident_value

    return resident_value(_viewer(context), value, org=org, kind="email")


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping: dict | None, key: object) -> object:
    """``mapping[key]`` in a template, or nothing."""
    if not mapping:
        return None
    return mapping.get(key)
