"""The demo commands on a database without the demo: a real org tree is left alone, and
the accounts table says how to load it. The loaded demo is checked in
``test_demo_loaded.py``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from core.demo import DEMO_ROOT_CODE
from core.testing.factories import org_create
from orgs.choices import OrgKind
from orgs.models import Org, User

pytestmark = pytest.mark.django_db


def test_demo_keeps_out_of_a_real_org_tree_when_asked() -> None:
    org_create(name="汉滨区", code="HB", kind=OrgKind.DISTRICT)
    out = StringIO()
    call_command("load_demo", "--force-if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert not Org.objects.filter(code=DEMO_ROOT_CODE).exists()
    assert not User.objects.exists()


def test_accounts_command_says_when_there_is_no_demo() -> None:
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert "load_demo" in out.getvalue()
