"""Delivery of reminders and escalations after commit: in-app notifications, e-mail
(Django's mail backend) and one JSON POST to the chat-group robot (WeCom / DingTalk
style). Each run first claims the rows it will send by stamping them with a token in
one conditional UPDATE, so two runs (or a re-run after a killed worker) never send the
same reminder twice: at most once, and a claimed row is marked delivered even if the
e-mail server or the robot fails (the failure is recorded on the row and logged).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import notification_send
from orgs.models import Org, User
from supervision.models import Escalation, Reminder

logger = logging.getLogger(__name__)
BATCH = 500
WEBHOOK_TIMEOUT_SECONDS = 5
# A chat robot shows a few lines well; the rest are counted.
WEBHOOK_MAX_LINES = 30


def _claim(model: type[models.Model], ids: Iterable[int] | None) -> list[Any]:
    """Stamp up to ``BATCH`` undelivered rows (of ``ids``, or any) with a fresh token and
    return those this run won; a row another run stamped first is not returned."""
    token = uuid.uuid4().hex
    pending = model.objects.filter(delivered_at__isnull=True, delivery_token="")
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    batch = list(pending.order_by("delivered_at", "id").values_list("pk", flat=True)[:BATCH])
    if not batch:
        return []
    model.objects.filter(pk__in=batch, delivered_at__isnull=True, delivery_token="").update(
        delivery_token=token, delivered_at=timezone.now()
    )
    return list(model.objects.filter(delivery_token=token).order_by("id"))


def _item_url(content_type_id: int, object_id: int) -> str:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    item = model.objects.filter(pk=object_id).first() if model is not None else None
    try:
        return item.get_absolute_url() if item is not None and hasattr(item, "get_absolute_url") else ""
    except NoReverseMatch:
        return ""


def reminder_text(reminder: Reminder) -> tuple[str, str]:
    """Title and body of a reminder, in the installation's language."""
    from core.templatetags.taizhang import cn_date

    title = _("Reminder: “%(title)s”") % {"title": reminder.title}
    if reminder.overdue_working_days > 0:
        state = _("overdue by %(days)s working days (deadline %(deadline)s)") % {
            "days": reminder.overdue_working_days,
            "deadline": cn_date(reminder.deadline),
        }
    elif reminder.deadline:
        state = _("due on %(deadline)s") % {"deadline": cn_date(reminder.deadline)}
    else:
        state = ""
    lines = [
        _("%(org)s: “%(title)s” is %(state)s.") % {"org": reminder.org.name, "title": reminder.title, "state": state}
    ]
    if reminder.note:
        lines.append(_("Note from the supervisor: %(note)s") % {"note": reminder.note})
    lines.append(_("Please report progress or ask for closure in Taizhang."))
    return title, "\n".join(lines)


def _absolute(url: str) -> str:
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{url}" if url and base else url


def _send_mail(messages: list[EmailMessage]) -> str:
    if not messages:
        return "none"
    try:
        connection = get_connection(fail_silently=False)
        sent = connection.send_messages(messages)
    except Exception:  # an SMTP server down must not stop the reminders in the app
        logger.exception("reminder e-mail failed")
        return "failed"
    return f"sent:{sent or 0}"


def webhook_payload(reminders: list[Reminder]) -> dict[str, Any]:
    """A WeCom-style markdown message (``{"msgtype": "markdown", "markdown": {"content": …}}``)
    listing the reminders, one line each."""
    from core.templatetags.taizhang import cn_date

    lines = [_("**Taizhang reminders (%(count)s)**") % {"count": len(reminders)}]
    for reminder in reminders[:WEBHOOK_MAX_LINES]:
        if reminder.overdue_working_days > 0:
            state = _("overdue %(days)s working days") % {"days": reminder.overdue_working_days}
        else:
            state = _("due %(deadline)s") % {"deadline": cn_date(reminder.deadline)}
        lines.append(f"> {reminder.org.name} · {reminder.title} · {state}")
        if reminder.note:
            lines.append(f"> {reminder.note}")
    if len(reminders) > WEBHOOK_MAX_LINES:
        lines.append(_("…and %(count)s more.") % {"count": len(reminders) - WEBHOOK_MAX_LINES})
    return {"msgtype": "markdown", "markdown": {"content": "\n".join(lines)}}


def webhook_post(payload: dict[str, Any], *, url: str | None = None) -> str:
    """POST ``payload`` as JSON to the robot; "ok", "off" (no URL) or "failed"."""
    url = settings.REMINDER_WEBHOOK_URL if url is None else url
    if not url:
        return "off"
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read()
            return "ok" if 200 <= response.status < 300 else "failed"
    except (urllib.error.URLError, OSError, ValueError):
        logger.exception("reminder webhook failed")
        return "failed"


def reminders_deliver(ids: Iterable[int] | None = None) -> int:
    """Send every undelivered reminder (of ``ids``, or all); returns how many were sent."""
    total = 0
    while True:
        claimed = _claim(Reminder, ids)
        if not claimed:
            return total
        users = {
            user.pk: user
            for user in User.objects.filter(pk__in={pk for r in claimed for pk in (r.owner_id, r.unit_head_id) if pk})
        }
        orgs = {org.pk: org for org in Org.objects.filter(pk__in={r.org_id for r in claimed})}
        mails: list[EmailMessage] = []
        for reminder in claimed:
            reminder.org = orgs[reminder.org_id]
            title, body = reminder_text(reminder)
            url = _item_url(reminder.content_type_id, reminder.object_id)
            recipients = sorted({pk for pk in (reminder.owner_id, reminder.unit_head_id) if pk})
            notification_send(recipient_ids=recipients, title=title, body=body, url=url)
            addresses = sorted({users[pk].email for pk in recipients if pk in users and users[pk].email})
            if addresses:
                link = _absolute(url)
                mails.append(EmailMessage(subject=title, body=f"{body}\n{link}".strip(), to=addresses))
            reminder.delivery = {"in_app": len(recipients), "emails": len(addresses)}
        mail_result = _send_mail(mails)
        hook_result = webhook_post(webhook_payload(claimed))
        for reminder in claimed:
            reminder.delivery.update({"email": mail_result, "webhook": hook_result})
        Reminder.objects.bulk_update(claimed, ["delivery"])
        total += len(claimed)
        if ids is not None:
            ids = [pk for pk in ids if pk not in {r.pk for r in claimed}]


def escalations_deliver() -> int:
    """Tell the leaders above about items that reached the "leader" step; bulletin steps
    need no message (the bulletin names them)."""
    total = 0
    while True:
        claimed = _claim(Escalation, None)
        if not claimed:
            return total
        for escalation in claimed:
            if escalation.step != "leader" or not escalation.recipient_ids:
                continue
            title = _("Overdue item in your area: “%(title)s”") % {"title": escalation.title}
            body = _(
                "This item of a unit under you is overdue and has not been closed despite reminders; "
                "please see that it is dealt with."
            )
            url = _item_url(escalation.content_type_id, escalation.object_id)
            notification_send(recipient_ids=escalation.recipient_ids, title=title, body=body, url=url)
            addresses = list(
                User.objects.filter(pk__in=escalation.recipient_ids).exclude(email="").values_list("email", flat=True)
            )
            if addresses:
                _send_mail([EmailMessage(subject=title, body=f"{body}\n{_absolute(url)}".strip(), to=addresses)])
        total += len(claimed)
