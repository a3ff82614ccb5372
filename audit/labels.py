"""Readable words for the log's rows: the action in Chinese, the changes as a sentence.

The log stores machine words (``login``, ``role_granted``, ``close``) so that a search
still finds them after a label is reworded; the pages and the export translate them
here. An item's action is labelled the way its own timeline labels it: the item model's
workflow transition first, then the shared ``core.models.ACTION_LABELS``.
"""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Actions the log writes itself (sign-in, data, access), not through an item's event.
AUDIT_ACTION_LABELS = {
    "login": _("Signed in"),
    "logout": _("Signed out"),
    "login_failed": _("Sign-in failed"),
    "lockout": _("Account locked after repeated failures"),
    "superuser_login": _("Installation account signed in"),
    "export": _("Exported"),
    "export_personal": _("Exported with personal data"),
    "import": _("Imported"),
    "role_granted": _("Role granted"),
    "role_revoked": _("Role revoked"),
    "password_set": _("Password set"),
    "password_changed": _("Password changed"),
    "otp_enabled": _("Second factor turned on"),
    "otp_disabled": _("Second factor turned off"),
    "otp_reset": _("Second factor reset by an administrator"),
}

# Keys the log's own entries put in ``changes`` (exports, imports, sign-outs).
CHANGE_KEY_LABELS = {
    "what": _("data"),
    "rows": _("rows"),
    "personal": _("personal data"),
    "filters": _("filters"),
    "filename": _("file"),
    "status": _("status"),
    "role": _("role"),
    "org": _("org"),
}


def entry_time(value: datetime.datetime | None) -> str:
    """2026年12月5日 16:03:12 in local time: to the second, as an auditor reads it."""
    if value is None:
        return ""
    return dateformat.format(timezone.localtime(value), "Y年n月j日 H:i:s")


def _model(object_type: str) -> type[models.Model] | None:
    if not object_type or "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def action_label(action: str, object_type: str = "") -> str:
    """The Chinese word for ``action`` done on an object of ``object_type`` (app.model)."""
    from core.models import ACTION_LABELS

    model = _model(object_type)
    workflow = getattr(model, "workflow", None)
    if workflow is not None and action in workflow.transitions:
        return str(workflow.transitions[action].label)
    if action in AUDIT_ACTION_LABELS:
        return str(AUDIT_ACTION_LABELS[action])
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    return action


def action_choices() -> list[tuple[str, str]]:
    """Every action the log can hold, by label, for the filter: the log's own, the shared
    event actions, and each item workflow's transitions. Built from code, not with a
    DISTINCT over a half-year's entries."""
    from core.models import ACTION_LABELS

    labels: dict[str, str] = {}
    for model in apps.get_models():
        workflow = getattr(model, "workflow", None)
        for name in getattr(workflow, "transitions", {}):
            labels.setdefault(name, action_label(name, model._meta.label_lower))
    for action in [*AUDIT_ACTION_LABELS, *ACTION_LABELS]:
        labels.setdefault(action, action_label(action))
    return sorted(labels.items(), key=lambda pair: (pair[1], pair[0]))


def object_type_label(object_type: str) -> str:
    """The model's verbose name (问题, 账号…) or the stored word when the model is gone."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _field_label(model: type[models.Model] | None, key: str) -> str:
    if key in CHANGE_KEY_LABELS:
        return str(CHANGE_KEY_LABELS[key])
    if model is not None:
        try:
            # A reverse relation (a meeting's "tasks") has no verbose name of its own.
            return str(getattr(model._meta.get_field(key), "verbose_name", key))
        except FieldDoesNotExist:
            pass
    return key


def _value_text(model: type[models.Model] | None, key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        return "，".join(f"{k}={_value_text(None, k, v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return "、".join(_value_text(model, key, v) for v in value) or "—"
    choices: dict[Any, Any] = {}
    if key == "role":
        from orgs.choices import Role

        choices = dict(Role.choices)
    elif model is not None:
        with contextlib.suppress(FieldDoesNotExist):
            choices = dict(getattr(model._meta.get_field(key), "choices", None) or ())
    if isinstance(value, str | int) and value in choices:
        return str(choices[value])
    return str(value)


def changes_summary(changes: dict[str, Any] | None, object_type: str = "") -> str:
    """One line for the table: “状态：整改中 → 已销号；责任单位：A → B”.

    A value stored as a pair ``[before, after]`` reads as a change; anything else is
    shown as it is (an export's row count, its filters).
    """
    if not changes:
        return ""
    model = _model(object_type)
    parts = []
    for key, value in changes.items():
        label = _field_label(model, key)
        if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, list | dict) for v in value):
            text = f"{_value_text(model, key, value[0])} → {_value_text(model, key, value[1])}"
        else:
            text = _value_text(model, key, value)
        parts.append(f"{label}：{text}")
    return "；".join(parts)
