"""A member checks in to today's session on a phone-sized page, from the link the QR
code holds; a second try says "already checked in". Assertions read ids and the database."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.testing.browser import log_in
from study import services
from study.models import Attendance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_checks_in_on_the_phone(live_server, phone_page, tree, people):
    today = timezone.localdate()
    study_class = services.class_create(
        org=tree.street,
        name="党员大课堂",
        start_date=today,
        end_date=today,
        members=[people.member_a],
        acting_user=people.street_clerk,
    )
    session = services.session_create(
        study_class=study_class, date=today, topic="学习党的二十大精神", acting_user=people.street_clerk
    )
    log_in(phone_page, live_server.url, "member_a")
    phone_page.goto(f"{live_server.url}/study/me/")
    phone_page.click(f"[data-session='{session.pk}'] a")
    button = phone_page.locator("#check-in-button")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44  # a large touch target
    button.click()
    assert phone_page.locator("#check-in-result").get_attribute("data-status") == "checked_in"
    phone_page.goto(f"{live_server.url}/study/check-in/{services.check_in_token(session)}/")
    assert phone_page.locator("#check-in-result").get_attribute("data-status") == "already"
    assert Attendance.objects.filter(session=session, member=people.member_a).count() == 1
