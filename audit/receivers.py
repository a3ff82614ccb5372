"""What the log hears without being called: sign-ins, sign-outs, failed sign-ins,
lockouts, and every event the services write (item state changes, grants, accounts,
org tree, settings)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.models import Category
from audit.services import audit_record
from core.models import Event

# Event actions that are about access rather than items: where they land in the log.
EVENT_CATEGORIES = {
    "role_granted": Category.ACCESS,
    "role_revoked": Category.ACCESS,
    "password_set": Category.ACCOUNT,
    "password_changed": Category.ACCOUNT,
}
ACCOUNT_MODELS = {"orgs.user"}
SETTING_MODELS = {"orgs.org", "campaigns.campaign", "campaigns.channel", "core.calendaryear"}


def event_category(event: Event) -> str:
    label = event.content_type.app_label + "." + event.content_type.model
    category = EVENT_CATEGORIES.get(event.action)
    if category is not None:
        return category
    if label in ACCOUNT_MODELS:
        return Category.ACCOUNT
    if label in SETTING_MODELS:
        return Category.SETTING
    return Category.ITEM


@receiver(post_save, sender=Event, dispatch_uid="audit_event")
def _event_saved(sender: Any, instance: Event, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    item = instance.item
    changes = dict(instance.changes or {})
    if instance.from_status or instance.to_status:
        changes.setdefault("status", [instance.from_status, instance.to_status])
    audit_record(
        instance.action,
        category=event_category(instance),
        actor=instance.actor,
        target=item,
        org=instance.org,
        changes=changes,
        detail=instance.comment,
    )


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record("superuser_login" if user.is_superuser else "login", category=Category.AUTH, actor=user, target=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record("logout", category=Category.AUTH, actor=user, target=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit_record("login_failed", category=Category.AUTH, actor_name=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _locked_out(sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kwargs: Any) -> None:
    from orgs.models import User

    user = User.objects.filter(username=username).first()
    audit_record(
        "lockout",
        category=Category.AUTH,
        actor_name=str(username)[:150],
        target=user,
        detail=ip_address or "",
    )
