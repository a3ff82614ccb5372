"""The left menu shows each person the parts of Taizhang they work in, and every link in
it opens for them: a party member is not sent to the ledger, the security and audit
administrators (三员分立) not to the work they may not read."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.testing.factories import person_with_role
from core.testing.permissions import client_for

pytestmark = pytest.mark.django_db

SIDEBAR = re.compile(r'<nav class="nav flex-column py-2 sidebar-nav">(.*?)</nav>', re.S)


def menu_links(client) -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get("/").content.decode()
    sidebar = SIDEBAR.search(page)
    assert sidebar is not None
    return re.findall(r'href="([^"]+)"', sidebar.group(1))


@pytest.fixture
def everyone(tree, people):  # type: ignore[no-untyped-def]
    return {
        "admin": people.admin,
        "supervisor": people.supervisor,
        "inspector": people.inspector,
        "leader": people.leader,
        "clerk": people.clerk_a,
        "member": people.member_a,
        "security_admin": person_with_role("security_admin", tree.district, username="security"),
        "audit_admin": person_with_role("audit_admin", tree.district, username="auditor"),
    }


def test_every_link_of_each_persons_menu_opens_for_them(everyone):
    for role, person in everyone.items():
        client = client_for(person)
        links = menu_links(client)
        assert reverse("notifications") in links, role
        for link in links:
            if link.startswith("/api/"):
                continue  # the API documentation page is checked with the API
            assert client.get(link).status_code == 200, (role, link)


def test_each_role_sees_its_own_part(everyone):
    links = {role: set(menu_links(client_for(person))) for role, person in everyone.items()}
    ledger, ledger_import = reverse("rectification:problem_list"), reverse("ledger_import:upload")
    people_page = reverse("orgs:people")
    for role in ("admin", "supervisor", "inspector", "leader", "clerk"):
        assert ledger in links[role], role
    # Entering and importing items: the unit's clerk, its leader, a supervisor.
    assert {role for role in links if ledger_import in links[role]} == {"supervisor", "leader", "clerk"}
    # A party member: the wish wall, the study classes, their own study; no ledger.
    assert ledger not in links["member"] and people_page not in links["member"]
    assert {reverse("wishes:wish_list"), reverse("study:class_list"), reverse("study:my_study")} <= links["member"]
    # 三员分立: the security administrator grants roles, the audit administrator reads
    # the log; neither reads the work.
    assert people_page in links["security_admin"] and ledger not in links["security_admin"]
    assert reverse("audit:entry_list") in links["audit_admin"]
    assert ledger not in links["audit_admin"] and people_page not in links["audit_admin"]
