"""Issue 8 item 3: one entry for each action the audit log must hold, each with who,
when, from which address and what changed."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from audit.models import AuditEntry, Category
from audit.tests.conftest import request_from
from core.testing.factories import CampaignFactory
from orgs import services as org_services
from orgs.models import RoleGrant
from rectification.choices import ItemStatus
from rectification.tests.factories import ProblemFactory

PASSWORD = "Taizhang@2026"  # core.testing.factories.UserFactory's


def _only(action: str, **filters: object) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action, **filters))
    assert len(entries) == 1, [(e.action, e.actor_name, e.object_repr) for e in AuditEntry.objects.all()]
    return entries[0]


def _recent(entry: AuditEntry) -> None:
    assert timezone.now() - entry.created_at < datetime.timedelta(minutes=1)


@pytest.mark.django_db
class TestSignIns:
    def test_login_and_logout(self, client, people):
        response = client.post("/login/", {"username": "clerk_a", "password": PASSWORD})
        assert response.status_code == 302
        login = _only("login")
        assert (login.category, login.actor_id, login.address) == (Category.AUTH, people.clerk_a.pk, "127.0.0.1")
        assert login.actor_name.startswith("clerk_a")
        assert login.org_id == people.clerk_a.home_org_id  # read by the auditor of that subtree
        _recent(login)

        client.post("/logout/")
        logout = _only("logout")
        assert (logout.actor_id, logout.address) == (people.clerk_a.pk, "127.0.0.1")
        assert logout.created_at >= login.created_at

    def test_failed_login_names_the_account_typed(self, client, people):
        response = client.post("/login/", {"username": "clerk_a", "password": "wrong-Password1"})
        assert response.status_code == 200
        failed = _only("login_failed")
        assert (failed.actor_id, failed.actor_name, failed.address) == (None, "clerk_a", "127.0.0.1")
        assert not AuditEntry.objects.filter(action="login").exists()
        _recent(failed)

    def test_five_failures_lock_the_account(self, client, people):
        for _ in range(5):
            client.post("/login/", {"username": "clerk_a", "password": "wrong-Password1"})
        assert AuditEntry.objects.filter(action="login_failed", actor_name="clerk_a").count() == 5
        lockout = _only("lockout")
        assert (lockout.category, lockout.actor_name, lockout.address) == (Category.AUTH, "clerk_a", "127.0.0.1")
        assert lockout.object_id == str(people.clerk_a.pk)
        # Locked: even the right password is refused now, and no login is logged.
        client.post("/login/", {"username": "clerk_a", "password": PASSWORD})
        assert not AuditEntry.objects.filter(action="login").exists()

    def test_superuser_sign_in_is_its_own_action(self, client, tree):
        from orgs.models import User

        User.objects.create_superuser("root", "root@example.org", PASSWORD)
        client.post("/login/", {"username": "root", "password": PASSWORD})
        entry = _only("superuser_login")
        assert (entry.actor_name, entry.address) == ("root", "127.0.0.1")


@pytest.mark.django_db
class TestAccessAndSettings:
    def test_role_grant_and_revoke(self, tree, people, security):
        with request_from():
            grant = org_services.role_grant(
                user=people.clerk_b, org=tree.community_b, role="inspector", acting_user=security
            )
        granted = _only("role_granted")
        assert (granted.category, granted.actor_id, granted.address) == (Category.ACCESS, security.pk, "127.0.0.1")
        assert granted.object_id == str(people.clerk_b.pk)
        assert granted.changes == {"role": "inspector", "org": tree.community_b.code}
        assert granted.org_id == tree.community_b.pk

        with request_from("10.1.2.3"):
            org_services.role_revoke(grant=RoleGrant.objects.get(pk=grant.pk), acting_user=security)
        revoked = _only("role_revoked")
        assert (revoked.actor_id, revoked.address, revoked.changes["role"]) == (security.pk, "10.1.2.3", "inspector")
        _recent(revoked)

    def test_setting_change(self, tree, people):
        with request_from():
            org_services.org_update(org=tree.community_a, acting_user=people.admin, name="现代城新社区")
        entry = _only("updated", object_type="orgs.org")
        assert (entry.category, entry.actor_id, entry.address) == (Category.SETTING, people.admin.pk, "127.0.0.1")
        assert entry.changes["name"] == ["现代城社区", "现代城新社区"]
        _recent(entry)


@pytest.mark.django_db
class TestData:
    def test_export_of_the_log_is_logged(self, client, auditor):
        client.force_login(auditor)
        response = client.get("/audit/export/", {"category": "auth"})
        assert response.status_code == 200
        entry = _only("export_personal")
        assert (entry.category, entry.actor_id, entry.address) == (Category.DATA, auditor.pk, "127.0.0.1")
        assert entry.changes["what"] == "audit.entries"
        assert entry.changes["filters"] == {"category": "auth"}
        assert entry.changes["rows"] == 1  # the auditor's own sign-in (force_login)
        _recent(entry)

    def test_ledger_export_is_logged_with_its_filters(self, client, tree, people):
        campaign = CampaignFactory(org=tree.district)
        ProblemFactory(org=tree.community_a, campaign=campaign)
        ProblemFactory(org=tree.community_b, campaign=campaign, status=ItemStatus.CLOSED)
        client.force_login(people.supervisor)
        response = client.get("/ledger/export/", {"status": ItemStatus.RECTIFYING})
        assert response.status_code == 200
        entry = AuditEntry.objects.get(action__in=["export", "export_personal"])
        assert (entry.category, entry.actor_id, entry.address) == (Category.DATA, people.supervisor.pk, "127.0.0.1")
        assert entry.action == "export_personal"  # a supervisor's file holds names in full
        assert entry.changes["what"] == "rectification.ledger" and entry.changes["rows"] == 1
        assert entry.changes["filters"] == {"status": ItemStatus.RECTIFYING}
        _recent(entry)

    def test_import_is_logged_and_a_dry_run_is_not(self, tree, people):
        from research.importers import import_entities

        data = "名称,类型\n安康某某科技有限公司,企业\n高新区便民服务中心,场所\n".encode()
        with request_from():
            dry = import_entities(
                data=data, filename="名录.csv", org=tree.street, acting_user=people.leader, dry_run=True
            )
            assert dry.ok and dry.created == 2
            assert not AuditEntry.objects.filter(action="import").exists()
            result = import_entities(data=data, filename="名录.csv", org=tree.street, acting_user=people.leader)
        assert result.ok
        entry = _only("import")
        assert (entry.category, entry.actor_id, entry.address) == (Category.DATA, people.leader.pk, "127.0.0.1")
        assert entry.changes == {"what": "research.entities", "rows": 2, "filename": "名录.csv"}

    def test_calendar_import_is_logged(self, tree, people):
        from core.services import calendar_import

        data = "日期,类型,名称\n2031-01-01,放假,元旦\n2031-01-04,上班,\n".encode()
        with request_from():
            calendar_import(year=2031, data=data, filename="2031.csv", acting_user=people.admin)
        entry = _only("import")
        assert entry.changes == {"what": "core.calendar", "rows": 2, "filename": "2031.csv"}
        assert entry.actor_id == people.admin.pk


@pytest.mark.django_db
class TestItems:
    def test_state_change_through_the_page(self, client, tree, people):
        campaign = CampaignFactory(org=tree.district)
        problem = ProblemFactory(org=tree.community_a, campaign=campaign, status=ItemStatus.CLOSURE_REQUESTED)
        client.force_login(people.supervisor)
        response = client.post(f"/ledger/{problem.pk}/send_back/", {"comment": "证据不足，请补充"})
        assert response.status_code == 302
        problem.refresh_from_db()
        assert problem.status == ItemStatus.RECTIFYING
        entry = _only("send_back")
        assert (entry.category, entry.actor_id, entry.address) == (Category.ITEM, people.supervisor.pk, "127.0.0.1")
        assert (entry.object_type, entry.object_id) == ("rectification.problem", str(problem.pk))
        assert entry.changes["status"] == [ItemStatus.CLOSURE_REQUESTED, ItemStatus.RECTIFYING]
        assert entry.detail == "证据不足，请补充"
        assert entry.org_id == tree.community_a.pk
        _recent(entry)


@pytest.mark.django_db
def test_import_from_the_command_line_names_the_installer(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "单位.csv"
    path.write_bytes("单位编码,单位名称,上级单位编码,单位类型\nHB,汉滨区,,区县\n".encode("gbk"))
    call_command("import_orgs", str(path), stdout=io.StringIO())
    entry = _only("import")
    assert (entry.actor_id, entry.actor_name) == (None, "installer")
    assert entry.changes == {"what": "orgs.orgs", "rows": 1, "filename": "单位.csv"}
