"""Two-step verification: setting it up, signing in with it, removing it, and the roles
that must use it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.tests.factories import sign_in, totp_code
from audit.models import AuditEntry
from core.errors import DomainError, PermissionDenied
from core.services import item_events
from core.testing.permissions import client_for
from orgs import services as org_services

PASSWORD = "Taizhang@2026"
START = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)


def enrolled(user) -> TOTPDevice:
    device = services.otp_enrolment_start(user=user)
    services.otp_enrolment_confirm(user=user, token=totp_code(device))
    device.refresh_from_db()
    return device


@pytest.mark.django_db
class TestSetUp:
    def test_the_page_shows_a_qr_code_and_the_secret(self, people):
        client = client_for(people.clerk_a)
        page = client.get("/account/two-step/")
        device = TOTPDevice.objects.get(user=people.clerk_a, confirmed=False)
        html = page.content.decode()
        assert 'src="/account/two-step/qr.svg"' in html
        assert services.otp_secret(device) in html
        qr = client.get("/account/two-step/qr.svg")
        assert qr["Content-Type"] == "image/svg+xml" and qr.content.startswith(
            b'<svg xmlns="http://www.w3.org/2000/svg"'
        )
        assert "no-store" in qr["Cache-Control"]
        # Reloading keeps the same secret.
        client.get("/account/two-step/")
        assert TOTPDevice.objects.filter(user=people.clerk_a).count() == 1

    def test_a_code_confirms_it(self, people):
        with time_machine.travel(START, tick=False):
            client = client_for(people.clerk_a)
            client.get("/account/two-step/")
            device = TOTPDevice.objects.get(user=people.clerk_a)
            response = client.post("/account/two-step/", {"action": "confirm", "token": totp_code(device)})
            assert response.status_code == 302
            device.refresh_from_db()
            assert device.confirmed
            assert b'id="otp-on"' in client.get("/account/two-step/").content
        assert item_events(people.clerk_a).filter(action="otp_enabled").count() == 1
        assert AuditEntry.objects.filter(action="otp_enabled", actor=people.clerk_a).exists()

    def test_a_wrong_code_confirms_nothing(self, people):
        client = client_for(people.clerk_a)
        client.get("/account/two-step/")
        response = client.post("/account/two-step/", {"action": "confirm", "token": "000000"})
        assert response.status_code == 200 and response.context["form"].errors["token"]
        assert not TOTPDevice.objects.filter(user=people.clerk_a, confirmed=True).exists()

    def test_removing_it_needs_a_code(self, people):
        with time_machine.travel(START, tick=False) as traveller:
            device = enrolled(people.clerk_a)
            client = client_for(people.clerk_a)
            traveller.shift(datetime.timedelta(seconds=60))
            refused = client.post("/account/two-step/", {"action": "remove", "token": "123456"})
            assert refused.status_code == 200 and TOTPDevice.objects.filter(pk=device.pk).exists()
            traveller.shift(datetime.timedelta(seconds=60))  # past the throttle of the wrong code
            response = client.post("/account/two-step/", {"action": "remove", "token": totp_code(device)})
            assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=people.clerk_a).exists()
        assert item_events(people.clerk_a).filter(action="otp_disabled").count() == 1


@pytest.mark.django_db
class TestSignIn:
    def test_the_password_alone_does_not_sign_in(self, client, people):
        with time_machine.travel(START, tick=False):
            enrolled(people.clerk_a)
            response = sign_in(client, "clerk_a", PASSWORD)
            assert response.status_code == 302 and response["Location"] == "/login/verify/"
            assert "_auth_user_id" not in client.session
            assert client.get("/")["Location"].startswith("/login/")
            assert client.get("/api/orgs/").status_code in (401, 403)

    def test_the_code_signs_in(self, client, people):
        with time_machine.travel(START, tick=False) as traveller:
            device = enrolled(people.clerk_a)
            traveller.shift(datetime.timedelta(seconds=30))
            sign_in(client, "clerk_a", PASSWORD)
            assert client.get("/login/verify/").status_code == 200
            response = client.post("/login/verify/", {"token": totp_code(device)})
            assert response.status_code == 302 and response["Location"] == "/"
            assert client.get("/").status_code == 200
            assert client.session["_auth_user_id"] == str(people.clerk_a.pk)
            assert client.session["otp_device_id"] == device.persistent_id

    def test_the_next_page_is_kept(self, client, people):
        with time_machine.travel(START, tick=False) as traveller:
            device = enrolled(people.clerk_a)
            traveller.shift(datetime.timedelta(seconds=30))
            client.post("/login/", {"username": "clerk_a", "password": PASSWORD, "next": "/ledger/"})
            response = client.post("/login/verify/", {"token": totp_code(device)})
            assert response["Location"] == "/ledger/"

    def test_wrong_codes_count_towards_the_lockout(self, client, people):
        with time_machine.travel(START, tick=False) as traveller:
            device = enrolled(people.clerk_a)
            sign_in(client, "clerk_a", PASSWORD)
            for _attempt in range(4):
                traveller.shift(datetime.timedelta(seconds=40))
                response = client.post("/login/verify/", {"token": "000000"})
                assert response.status_code == 200 and response.context["form"].errors["token"]
            traveller.shift(datetime.timedelta(seconds=40))
            assert client.post("/login/verify/", {"token": "000000"}).status_code == 429
            traveller.shift(datetime.timedelta(seconds=40))
            # Locked: neither the password nor a right code gets in.
            assert sign_in(client, "clerk_a", PASSWORD).status_code == 429
            response = client.post("/login/verify/", {"token": totp_code(device)})
            assert response.status_code in (302, 429)
            assert "_auth_user_id" not in client.session
        assert AuditEntry.objects.filter(action="login_failed", actor_name="clerk_a").count() >= 5

    def test_the_code_expires_with_the_pending_sign_in(self, client, people):
        with time_machine.travel(START, tick=False) as traveller:
            device = enrolled(people.clerk_a)
            sign_in(client, "clerk_a", PASSWORD)
            traveller.shift(datetime.timedelta(minutes=6))
            response = client.post("/login/verify/", {"token": totp_code(device)})
            assert response.status_code == 302 and response["Location"] == "/login/"
            assert "_auth_user_id" not in client.session

    def test_without_a_password_step_the_code_page_leads_back(self, client, db):
        assert client.get("/login/verify/")["Location"] == "/login/"


@pytest.mark.django_db
class TestRequiredRoles:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.OTP_REQUIRED_ROLES = ["admin", "security_admin", "audit_admin"]

    def test_an_admin_without_an_authenticator_is_sent_to_set_one_up(self, client, people):
        sign_in(client, "admin", PASSWORD)
        assert client.get("/")["Location"] == "/account/two-step/"
        assert client.get("/orgs/people/")["Location"] == "/account/two-step/"
        api = client.get("/api/orgs/")
        assert api.status_code == 403 and api.json()["code"] == "otp_enrolment_required"
        assert client.get("/account/two-step/").status_code == 200
        assert client.get("/account/two-step/qr.svg").status_code == 200

    def test_setting_it_up_opens_the_pages(self, client, people):
        with time_machine.travel(START, tick=False):
            sign_in(client, "admin", PASSWORD)
            client.get("/account/two-step/")
            device = TOTPDevice.objects.get(user=people.admin)
            client.post("/account/two-step/", {"action": "confirm", "token": totp_code(device)})
            assert client.get("/").status_code == 200

    def test_other_roles_are_not_asked(self, client, people):
        sign_in(client, "clerk_a", PASSWORD)
        assert client.get("/").status_code == 200


@pytest.mark.django_db
class TestApiBasicAuthentication:
    @staticmethod
    def basic(username: str, password: str) -> dict[str, str]:
        import base64

        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {token}"}

    def test_an_ordinary_account_may_use_a_password(self, client, people):
        assert client.get("/api/orgs/", **self.basic("clerk_a", PASSWORD)).status_code == 200

    def test_an_account_with_an_authenticator_may_not(self, client, people):
        enrolled(people.clerk_a)
        response = client.get("/api/orgs/", **self.basic("clerk_a", PASSWORD))
        assert response.status_code in (401, 403) and response.json()["code"] == "otp_required"

    def test_an_initial_password_may_not(self, client, tree, people):
        from accounts.tests.factories import INITIAL_PASSWORD, person_with_initial_password

        person_with_initial_password(admin=people.admin, org=tree.street)
        response = client.get("/api/orgs/", **self.basic("newcomer", INITIAL_PASSWORD))
        assert response.status_code in (401, 403) and response.json()["code"] == "password_change_required"

    def test_a_required_role_without_an_authenticator_may_not(self, client, people, settings):
        settings.OTP_REQUIRED_ROLES = ["admin"]
        response = client.get("/api/orgs/", **self.basic("admin", PASSWORD))
        assert response.status_code in (401, 403) and response.json()["code"] == "otp_required"


@pytest.mark.django_db
def test_a_code_within_the_back_off_is_refused_without_counting(client, people):
    from axes.models import AccessAttempt

    with time_machine.travel(START, tick=False) as traveller:
        device = enrolled(people.clerk_a)
        traveller.shift(datetime.timedelta(seconds=30))
        sign_in(client, "clerk_a", PASSWORD)
        client.post("/login/verify/", {"token": "000000"})
        assert AccessAttempt.objects.get(username="clerk_a").failures_since_start == 1
        # At once, before the one-second back-off ends: refused, not counted.
        response = client.post("/login/verify/", {"token": totp_code(device)})
        assert response.status_code == 200 and response.context["form"].errors["token"]
        assert AccessAttempt.objects.get(username="clerk_a").failures_since_start == 1
        traveller.shift(datetime.timedelta(seconds=2))
        assert client.post("/login/verify/", {"token": totp_code(device)})["Location"] == "/"


@pytest.mark.django_db
class TestResetByAnAdministrator:
    """A lost phone: the account administrator over the person's org removes the
    authenticator; the person then signs in with the password alone, or adds a new
    authenticator first where their role requires one."""

    def test_the_admin_resets_it_from_the_persons_page(self, client, people):
        enrolled(people.clerk_a)
        admin = client_for(people.admin)
        detail = reverse("orgs:person_detail", args=[people.clerk_a.pk])
        reset = reverse("orgs:person_action", args=[people.clerk_a.pk, "otp_reset"])
        assert f'action="{reset}"' in admin.get(detail).content.decode()
        assert admin.post(reset).status_code == 302
        assert not TOTPDevice.objects.filter(user=people.clerk_a).exists()
        assert reset not in admin.get(detail).content.decode()
        # The password alone signs in again.
        response = sign_in(client, "clerk_a", PASSWORD)
        assert response["Location"] == "/" and client.session["_auth_user_id"] == str(people.clerk_a.pk)
        event = item_events(people.clerk_a).get(action="otp_reset")
        assert event.actor == people.admin
        assert AuditEntry.objects.filter(action="otp_reset", actor=people.admin).exists()

    def test_where_the_role_requires_it_the_person_adds_one_again(self, client, people, settings):
        settings.OTP_REQUIRED_ROLES = ["clerk"]
        enrolled(people.clerk_a)
        client_for(people.admin).post(reverse("orgs:person_action", args=[people.clerk_a.pk, "otp_reset"]))
        sign_in(client, "clerk_a", PASSWORD)
        assert client.get("/ledger/")["Location"] == "/account/two-step/"

    def test_only_an_account_administrator_over_the_person_and_never_for_oneself(self, people):
        for user in (people.clerk_a, people.supervisor, people.leader, people.clerk_b):
            enrolled(user)
        # A clerk, a supervisor and a leader manage no accounts; the admin not their own.
        for actor, person in (
            (people.street_clerk, people.clerk_a),
            (people.supervisor, people.clerk_b),
            (people.leader, people.clerk_a),
        ):
            with pytest.raises(PermissionDenied):
                org_services.person_reset_otp(person=person, acting_user=actor)
        enrolled(people.admin)
        with pytest.raises(PermissionDenied):
            org_services.person_reset_otp(person=people.admin, acting_user=people.admin)
        assert TOTPDevice.objects.filter(confirmed=True).count() == 5
        assert not item_events(people.clerk_a).filter(action="otp_reset").exists()

    def test_no_authenticator_is_a_clear_refusal(self, people):
        with pytest.raises(DomainError) as refused:
            org_services.person_reset_otp(person=people.clerk_a, acting_user=people.admin)
        assert "no authenticator" in str(refused.value.message).lower() or "验证器" in str(refused.value.message)

    def test_a_reset_while_the_person_confirms_a_new_one_gives_a_message(self, people, monkeypatch):
        """The administrator's reset lands between the person's code being checked and
        the device being confirmed: the person is told to start again, nothing is saved."""
        enrolled(people.clerk_a)
        services.otp_enrolment_start(user=people.clerk_a)

        def reset_meanwhile(device, token):  # type: ignore[no-untyped-def]
            org_services.person_reset_otp(person=people.clerk_a, acting_user=people.admin)
            return True

        monkeypatch.setattr(services, "_verify", reset_meanwhile)
        with pytest.raises(DomainError) as refused:
            services.otp_enrolment_confirm(user=people.clerk_a, token="123456")
        assert refused.value.field == "token"
        assert not TOTPDevice.objects.filter(user=people.clerk_a).exists()
        # Only the first enrolment's event: the second was never confirmed.
        assert item_events(people.clerk_a).filter(action="otp_enabled").count() == 1
