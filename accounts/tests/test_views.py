"""Sign-in, the forced password change, lockout, idle sessions, last sign-in, and the
password change page, through the test client."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.utils import timezone

from accounts import services
from accounts.demo import load as demo_load
from accounts.models import AccountSecurity
from accounts.tests.factories import INITIAL_PASSWORD, person_with_initial_password, sign_in
from audit.models import AuditEntry
from core.demo import DemoAccount, DemoContext
from core.services import item_events
from core.testing.permissions import client_for
from orgs.models import User

PASSWORD = "Taizhang@2026"  # the factories' password
NEW_PASSWORD = "Qingshan#2027"
START = datetime.datetime(2026, 12, 4, 10, 3, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
class TestForcedChange:
    def test_a_person_created_with_a_password_must_change_it(self, client, tree, people):
        person_with_initial_password(admin=people.admin, org=tree.street)
        response = sign_in(client, "newcomer", INITIAL_PASSWORD)
        assert response.status_code == 302
        # Every page leads to the change page…
        for url in ("/", "/ledger/", "/orgs/people/", "/account/two-step/"):
            page = client.get(url)
            assert page.status_code == 302 and page["Location"] == "/account/password/", url
        # …the API answers with a 403 that says why…
        api = client.get("/api/orgs/")
        assert api.status_code == 403 and api.json()["code"] == "password_change_required"
        # …the change page itself and static files work.
        page = client.get("/account/password/")
        assert page.status_code == 200 and b'id="forced"' in page.content

    def test_changing_it_opens_every_page(self, client, tree, people):
        person = person_with_initial_password(admin=people.admin, org=tree.street)
        sign_in(client, "newcomer", INITIAL_PASSWORD)
        response = client.post(
            "/account/password/",
            {"old_password": INITIAL_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 302 and response["Location"] == "/"
        assert client.get("/").status_code == 200
        assert not AccountSecurity.objects.get(user=person).must_change_password
        assert item_events(person).filter(action="password_changed").count() == 1
        entry = AuditEntry.objects.get(action="password_changed")
        assert entry.actor_id == person.pk and entry.category == "account"

    def test_logging_out_is_allowed(self, client, tree, people):
        person_with_initial_password(admin=people.admin, org=tree.street)
        sign_in(client, "newcomer", INITIAL_PASSWORD)
        assert client.post("/logout/").status_code == 302
        assert client.get("/")["Location"].startswith("/login/")

    def test_the_initial_password_may_not_be_kept(self, client, tree, people):
        sign_in(client, person_with_initial_password(admin=people.admin, org=tree.street).username, INITIAL_PASSWORD)
        response = client.post(
            "/account/password/",
            {"old_password": INITIAL_PASSWORD, "new_password1": INITIAL_PASSWORD, "new_password2": INITIAL_PASSWORD},
        )
        assert response.status_code == 200 and response.context["form"].errors["new_password1"]

    def test_a_password_set_by_an_administrator_must_be_changed(self, client, people):
        from orgs.services import person_set_password

        person_set_password(person=people.clerk_a, password="Reset@2026x", acting_user=people.admin)
        sign_in(client, "clerk_a", "Reset@2026x")
        assert client.get("/")["Location"] == "/account/password/"

    def test_createsuperuser_is_exempt(self, client, db, monkeypatch):
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Install@2026")
        call_command("createsuperuser", interactive=False, username="root", email="")
        assert sign_in(client, "root", "Install@2026").status_code == 302
        assert client.get("/").status_code == 200

    def test_the_demo_log_ins_are_not_forced(self, client, tree, people):
        person = person_with_initial_password(admin=people.admin, org=tree.street, username="demo_clerk")
        context = DemoContext(installer=people.admin)
        context.accounts.append(
            DemoAccount(
                username=person.username, password=INITIAL_PASSWORD, role="clerk", org=tree.street, person=person
            )
        )
        demo_load(context)
        sign_in(client, "demo_clerk", INITIAL_PASSWORD)
        assert client.get("/").status_code == 200

    def test_accounts_made_without_the_services_are_not_forced(self, people):
        assert client_for(people.clerk_a).get("/").status_code == 200


@pytest.mark.django_db
class TestPasswordChangePage:
    def test_the_user_menu_links_to_it(self, people):
        page = client_for(people.member_a).get("/")
        assert b'href="/account/password/"' in page.content and b'href="/account/two-step/"' in page.content

    def test_a_wrong_old_password_changes_nothing(self, people):
        client = client_for(people.member_a)
        response = client.post(
            "/account/password/",
            {"old_password": "Wrong@2026x", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 200 and "old_password" in response.context["form"].errors
        assert User.objects.get(pk=people.member_a.pk).check_password(PASSWORD)

    def test_a_weak_password_is_refused_with_the_rules(self, people):
        client = client_for(people.member_a)
        response = client.post(
            "/account/password/", {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"}
        )
        assert response.status_code == 200 and response.context["form"].errors["new_password1"]
        assert not item_events(people.member_a).filter(action="password_changed").exists()

    def test_the_session_survives_the_change(self, people):
        client = client_for(people.member_a)
        client.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert client.get("/").status_code == 200
        assert User.objects.get(pk=people.member_a.pk).check_password(NEW_PASSWORD)


@pytest.mark.django_db
class TestLockout:
    def test_five_failures_lock_the_account_for_fifteen_minutes(self, client, people):
        with time_machine.travel(START, tick=False) as traveller:
            for _attempt in range(4):
                assert sign_in(client, "clerk_a", "Wrong@2026x").status_code == 200
            locked = sign_in(client, "clerk_a", "Wrong@2026x")
            assert locked.status_code == 429 and b'id="lockout"' in locked.content
            # The right password is refused while locked; the page says until when.
            refused = sign_in(client, "clerk_a", PASSWORD)
            assert refused.status_code == 429
            assert "2026年12月4日 10:18" in refused.content.decode()
            assert "_auth_user_id" not in client.session
            traveller.shift(datetime.timedelta(minutes=14))
            assert sign_in(client, "clerk_a", PASSWORD).status_code == 429
            traveller.shift(datetime.timedelta(minutes=2))
            response = sign_in(client, "clerk_a", PASSWORD)
            assert response.status_code == 302 and response["Location"] == "/"
        assert AuditEntry.objects.filter(action="lockout", actor_name="clerk_a").exists()

    def test_the_login_page_still_works_for_others(self, client, people):
        for _attempt in range(5):
            sign_in(client, "clerk_a", "Wrong@2026x")
        assert sign_in(client, "clerk_b", PASSWORD).status_code == 302


@pytest.mark.django_db
class TestIdleSessions:
    def test_thirty_minutes_without_a_request_sign_out(self, client, people):
        with time_machine.travel(START, tick=False) as traveller:
            client.force_login(people.clerk_a)
            traveller.shift(datetime.timedelta(minutes=29))
            assert client.get("/").status_code == 200
            # The 29-minute request counted as activity: 29 more minutes are fine.
            traveller.shift(datetime.timedelta(minutes=29))
            assert client.get("/").status_code == 200
            traveller.shift(datetime.timedelta(minutes=31))
            response = client.get("/ledger/?status=open")
            assert response.status_code == 302
            assert response["Location"] == "/login/?next=/ledger/%3Fstatus%3Dopen"
            login_page = client.get(response["Location"])
        assert login_page.status_code == 200 and "30 分钟" in login_page.content.decode()
        entry = AuditEntry.objects.filter(action="logout").get()
        assert entry.detail == "idle" and entry.actor_id == people.clerk_a.pk
        assert "_auth_user_id" not in client.session

    def test_the_api_is_anonymous_after_the_idle_time(self, client, people):
        with time_machine.travel(START, tick=False) as traveller:
            client.force_login(people.clerk_a)
            traveller.shift(datetime.timedelta(minutes=31))
            assert client.get("/api/orgs/").status_code in (401, 403)

    def test_the_idle_time_is_a_setting(self, client, people, settings):
        settings.SESSION_IDLE_MINUTES = 5
        with time_machine.travel(START, tick=False) as traveller:
            client.force_login(people.clerk_a)
            traveller.shift(datetime.timedelta(minutes=6))
            assert client.get("/").status_code == 302


@pytest.mark.django_db
class TestLastSignIn:
    def test_the_previous_sign_in_is_shown(self, people):
        with time_machine.travel(START, tick=False) as traveller:
            first = client_for(None)
            response = sign_in(first, "clerk_a", PASSWORD, REMOTE_ADDR="10.1.2.3")
            assert response.status_code == 302
            traveller.shift(datetime.timedelta(days=1))
            second = client_for(None)
            response = sign_in(second, "clerk_a", PASSWORD, REMOTE_ADDR="10.9.9.9")
            home = second.get(response["Location"])
        assert "上次登录：2026年12月4日 10:03，来自 10.1.2.3" in home.content.decode()
        security = AccountSecurity.objects.get(user=people.clerk_a)
        assert security.last_login_address == "10.9.9.9"
        assert security.last_login_at == timezone.make_aware(datetime.datetime(2026, 12, 5, 10, 3), START.tzinfo)

    def test_a_first_sign_in_says_so(self, client, people):
        sign_in(client, "clerk_a", PASSWORD)
        assert any("首次登录" in text for text in message_texts(client.get("/")))


@pytest.mark.django_db
class TestAdminSignIn:
    def test_the_admin_login_page_leads_to_ours(self, client):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fadmin%2F"


def test_must_change_password_reads_the_model(db, tree, people):
    person = person_with_initial_password(admin=people.admin, org=tree.street)
    assert services.must_change_password(person)
    services.password_change(user=person, new_password=NEW_PASSWORD)
    assert not services.must_change_password(person)


def test_the_demo_loader_runs_after_every_other_one():
    from core.demo import demo_loaders

    assert demo_loaders()[-1] == "accounts.demo"


def test_axes_gets_an_ip_address_or_none():
    from django.test import RequestFactory

    from accounts.views import axes_client_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    assert axes_client_address(request) == "10.1.2.3"
    del request.META["REMOTE_ADDR"]
    assert axes_client_address(request) is None


@pytest.mark.django_db
class TestHtmx:
    def test_the_gate_redirects_an_htmx_request_as_a_whole_page(self, client, tree, people):
        person_with_initial_password(admin=people.admin, org=tree.street)
        sign_in(client, "newcomer", INITIAL_PASSWORD)
        response = client.get("/orgs/people/", HTTP_HX_REQUEST="true")
        assert response.status_code == 204 and response["HX-Redirect"] == "/account/password/"

    def test_an_idle_htmx_request_leads_to_the_sign_in_page(self, client, people):
        with time_machine.travel(START, tick=False) as traveller:
            client.force_login(people.clerk_a)
            traveller.shift(datetime.timedelta(minutes=31))
            response = client.get("/orgs/people/", HTTP_HX_REQUEST="true")
        assert response.status_code == 204 and response["HX-Redirect"].startswith("/login/?next=")
