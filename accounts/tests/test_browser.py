"""In Chromium: a newcomer signs in with the password an administrator gave, is taken to
the password change page, chooses one, and reaches the overview; then turns on two-step
verification and signs in again with a code. Assertions read ids, URLs and the database."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountSecurity
from accounts.tests.factories import INITIAL_PASSWORD, person_with_initial_password, totp_code
from core.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Qingshan#2027"


def test_a_newcomer_changes_the_initial_password_then_adds_a_second_step(live_server, page, tree, people):
    person = person_with_initial_password(admin=people.admin, org=tree.street)
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", INITIAL_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/account/password/")
    assert page.locator("#forced").count() == 1
    page.goto(f"{base}/ledger/")
    page.wait_for_url(f"{base}/account/password/")
    page.fill("#id_old_password", INITIAL_PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#save")
    page.wait_for_url(f"{base}/")
    assert not AccountSecurity.objects.get(user=person).must_change_password

    # Two-step verification from the user menu.
    page.click("#user-menu")
    page.click("#otp-setup-link")
    page.wait_for_url(f"{base}/account/two-step/")
    page.wait_for_function("() => document.querySelector('#otp-qr').naturalWidth > 0")
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    page.fill("#id_token", totp_code(device))
    page.click("#confirm")
    page.locator("#otp-on").wait_for()

    # Sign out and in again: the password, then the code of the next time step.
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_url(f"{base}/login/")
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/login/verify/")
    device.refresh_from_db()
    page.fill("#id_token", totp_code(device, offset_steps=1))
    page.click("#verify")
    page.wait_for_url(f"{base}/")


def test_the_shared_log_in_helper_still_works(live_server, page, people):
    log_in(page, live_server.url, "clerk_a")
    assert page.locator("#user-menu").count() == 1
