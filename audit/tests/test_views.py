"""The audit administrator's pages: who gets in (only them), what they see (their
subtree), the filters, the pages, the entry, the export."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry, Category
from audit.services import audit_record
from core.testing.factories import person_with_role
from orgs.models import User


def _record(action: str = "login", *, org=None, actor_name: str = "clerk_a（张三）"):  # type: ignore[no-untyped-def]
    return audit_record(action, category=Category.AUTH, actor_name=actor_name, org=org)


@pytest.fixture
def entries(tree):  # type: ignore[no-untyped-def]
    """One entry in community A, one in community B, one naming no org."""
    return {
        "a": _record("login_failed", org=tree.community_a, actor_name="clerk_a"),
        "b": _record("login_failed", org=tree.community_b, actor_name="clerk_b"),
        "none": _record("login_failed", actor_name="nobody"),
    }


def _ids(response) -> set[int]:  # type: ignore[no-untyped-def]
    return {row["entry"].pk for row in response.context["rows"]}


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize("who", ["admin", "supervisor", "inspector", "leader", "clerk_a", "member_a"])
    def test_other_roles_are_refused(self, client, people, entries, who):
        client.force_login(getattr(people, who))
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export/").status_code == 403
        assert client.get(f"/audit/{entries['a'].pk}/").status_code == 404

    def test_security_admin_is_refused(self, client, security, entries):
        client.force_login(security)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export/").status_code == 403
        assert client.get(f"/audit/{entries['a'].pk}/").status_code == 404

    def test_superuser_is_refused(self, client, entries):
        root = User.objects.create_superuser("root", "root@example.org", "Taizhang@2026")
        client.force_login(root)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export/").status_code == 403
        assert client.get(f"/audit/{entries['a'].pk}/").status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, client, entries):
        for url in ("/audit/", "/audit/export/", f"/audit/{entries['a'].pk}/"):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith("/login/")
        assert not AuditEntry.objects.filter(action__startswith="export").exists()

    def test_root_auditor_sees_all_and_the_entries_without_org(self, client, auditor, entries):
        client.force_login(auditor)
        response = client.get("/audit/", {"action": "login_failed"})
        assert response.status_code == 200
        assert _ids(response) == {entries["a"].pk, entries["b"].pk, entries["none"].pk}

    def test_auditor_below_the_root_sees_their_subtree_only(self, client, tree, entries):
        auditor = person_with_role("audit_admin", tree.community_a, username="auditor_a")
        client.force_login(auditor)
        response = client.get("/audit/", {"action": "login_failed"})
        assert _ids(response) == {entries["a"].pk}
        assert client.get(f"/audit/{entries['a'].pk}/").status_code == 200
        assert client.get(f"/audit/{entries['b'].pk}/").status_code == 404
        assert client.get(f"/audit/{entries['none'].pk}/").status_code == 404

    def test_menu_shows_the_log_to_the_auditor_only(self, client, people, auditor):
        client.force_login(auditor)
        assert 'id="menu-audit"' in client.get("/audit/").content.decode()
        client.force_login(people.admin)
        assert 'id="menu-audit"' not in client.get("/").content.decode()


@pytest.mark.django_db
class TestListPage:
    def test_row_shows_time_account_address_labels_object_and_changes(self, client, tree, people, auditor):
        from rectification.tests.factories import ProblemFactory

        problem = ProblemFactory(org=tree.community_a, title="路灯不亮")
        entry = audit_record(
            "approve_closure",
            category=Category.ITEM,
            actor=people.supervisor,
            target=problem,
            changes={"status": ["closure_requested", "closed"]},
        )
        client.force_login(auditor)
        with timezone.override("Asia/Shanghai"):
            response = client.get("/audit/", {"category": "item"})
        html = response.content.decode()
        row = html[html.index(f'id="entry-{entry.pk}"') :]
        row = row[: row.index("</tr>")]
        local = timezone.localtime(entry.created_at, timezone=datetime.timezone(datetime.timedelta(hours=8)))
        assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M:%S}" in row
        assert "supervisor" in row and "路灯不亮" in row and tree.community_a.name in row
        assert "<td>批准销号</td>" in row  # the workflow's own label, as on the problem's timeline
        assert "状态：已申请销号 → 已销号" in row

    def test_filters(self, client, tree, auditor):
        # Entries cannot be back-dated (append-only): the date filters are tried on today.
        today_entry = _record("login", org=tree.community_a, actor_name="old_one")
        other = _record("logout", org=tree.community_b, actor_name="leader_x")
        item = audit_record("created", category=Category.ITEM, actor_name="", org=tree.street, detail="补充说明：路灯")
        client.force_login(auditor)
        today = timezone.localdate().isoformat()
        assert _ids(client.get("/audit/", {"account": "leader_x"})) == {other.pk}
        assert _ids(client.get("/audit/", {"action": "logout"})) == {other.pk}
        assert item.pk in _ids(client.get("/audit/", {"q": "路灯"}))
        assert _ids(client.get("/audit/", {"q": "路灯"})) == {item.pk}
        assert _ids(client.get("/audit/", {"category": "item"})) == {item.pk}
        assert today_entry.pk in _ids(client.get("/audit/", {"date_from": today, "date_to": today}))
        assert _ids(client.get("/audit/", {"date_to": "2020-01-01"})) == set()
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        assert _ids(client.get("/audit/", {"date_from": tomorrow})) == set()

    def test_address_filter(self, client, tree, auditor):
        from audit.tests.conftest import request_from

        with request_from("10.9.8.7"):
            mine = _record("login_failed", org=tree.street, actor_name="x")
        _record("login_failed", org=tree.street, actor_name="y")
        client.force_login(auditor)
        assert _ids(client.get("/audit/", {"address": "10.9."})) == {mine.pk}

    def test_counts_and_pages(self, client, tree, auditor, settings):
        from audit import views

        for number in range(5):
            _record("login_failed", org=tree.street, actor_name=f"p{number}")
        client.force_login(auditor)
        original = views.PAGE_SIZE
        views.PAGE_SIZE = 2
        try:
            first = client.get("/audit/", {"action": "login_failed"})
            assert first.context["total"] == 5
            assert "5" in first.content.decode()[first.content.decode().index('id="audit-counts"') :][:200]
            seen = list(_ids(first))
            cursor = first.context["page"].next_cursor
            while cursor:
                page = client.get("/audit/", {"action": "login_failed", "after": cursor})
                seen += list(_ids(page))
                cursor = page.context["page"].next_cursor
        finally:
            views.PAGE_SIZE = original
        assert len(seen) == 5 and len(set(seen)) == 5

    def test_list_query_count_does_not_grow_with_rows(self, client, tree, auditor, django_assert_max_num_queries):
        for number in range(30):
            _record("login_failed", org=tree.community_a if number % 2 else tree.street, actor_name=f"p{number}")
        client.force_login(auditor)
        client.get("/audit/")  # warm the per-session lookups
        with django_assert_max_num_queries(12):
            client.get("/audit/")


@pytest.mark.django_db
class TestDetailAndExport:
    def test_detail_shows_everything_with_the_changes_as_json(self, client, tree, auditor):
        entry = audit_record(
            "export_personal",
            category=Category.DATA,
            actor_name="clerk_a",
            org=tree.street,
            changes={"what": "wishes.wishes", "rows": 12, "personal": True, "filters": {"status": "open"}},
            detail="第一行\n第二行",
        )
        client.force_login(auditor)
        response = client.get(f"/audit/{entry.pk}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "&quot;what&quot;: &quot;wishes.wishes&quot;" in html
        assert '\n  "rows": 12' in response.context["changes_json"]
        assert "第一行<br>第二行" in html
        assert tree.street.name in html and tree.street.code in html

    def test_export_holds_exactly_the_filtered_rows(self, client, tree, auditor):
        _record("login_failed", org=tree.street, actor_name='=HYPERLINK("http://x","y")')
        _record("login_failed", org=tree.street, actor_name="clerk_b")
        _record("logout", org=tree.street, actor_name="clerk_c")
        client.force_login(auditor)
        response = client.get("/audit/export/", {"action": "login_failed"})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 1 + 2
        accounts = {row[1] for row in rows[1:]}
        assert accounts == {'=HYPERLINK("http://x","y")', "clerk_b"}
        # The typed name stays text: no formula reaches the auditor's spreadsheet.
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        entry = AuditEntry.objects.get(action="export_personal")
        assert entry.changes["rows"] == 2 and entry.changes["filters"] == {"action": "login_failed"}
