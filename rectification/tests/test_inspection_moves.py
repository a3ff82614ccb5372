"""Inspection rounds go planned → under way → concluded, by the inspector or a supervisor."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.errors import Conflict, DomainError, PermissionDenied
from core.models import Event
from core.services import item_events
from core.testing.permissions import client_for
from rectification import services
from rectification.choices import InspectionStatus
from rectification.tests.factories import InspectionFactory


@pytest.fixture
def inspection(tree):
    return InspectionFactory(org=tree.district, units=[tree.community_a])


def test_start_then_conclude_records_events_and_the_end_date(inspection, people):
    services.inspection_move(inspection=inspection, action="start", acting_user=people.inspector)
    services.inspection_move(inspection=inspection, action="conclude", acting_user=people.supervisor, comment="完成")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CONCLUDED
    assert inspection.end_date == timezone.localdate()
    assert [(e.action, e.from_status, e.to_status) for e in item_events(inspection)] == [
        ("inspection_started", "planned", "under_way"),
        ("inspection_concluded", "under_way", "concluded"),
    ]


def test_a_clerk_may_not_and_nothing_is_written(inspection, people):
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.inspection_move(inspection=inspection, action="start", acting_user=people.clerk_a)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.PLANNED and Event.objects.count() == before


def test_out_of_order_and_unknown_moves_are_refused(inspection, people):
    with pytest.raises(Conflict):
        services.inspection_move(inspection=inspection, action="conclude", acting_user=people.inspector)
    with pytest.raises(DomainError):
        services.inspection_move(inspection=inspection, action="explode", acting_user=people.inspector)
    assert _status(inspection) == InspectionStatus.PLANNED


def test_the_page_starts_the_round(inspection, people):
    response = client_for(people.inspector).post(f"/ledger/inspections/{inspection.pk}/start/")
    assert response.status_code == 302
    assert _status(inspection) == InspectionStatus.UNDER_WAY
    assert client_for(people.clerk_b).post(f"/ledger/inspections/{inspection.pk}/conclude/").status_code == 404


def _status(inspection) -> str:
    inspection.refresh_from_db()
    return inspection.status
