"""The nightly refresh of the planner's statistics."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from rectification.tests.factories import ProblemFactory


@pytest.mark.django_db
def test_statistics_are_refreshed(tree):
    ProblemFactory.create_batch(3, org=tree.community_a)
    out = StringIO()
    call_command("optimize_database", stdout=out)
    assert out.getvalue().startswith(connection.vendor)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'rectification_problem'")
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'rectification_problem'")
        assert cursor.fetchone()[0] > 0
