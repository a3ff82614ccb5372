"""A minimal concrete ``TrackedItem`` with a review workflow, used only by tests."""

from django.db import models
from django.urls import reverse

from core.models import TrackedItem
from core.workflow import Transition, Workflow
from orgs.choices import Role


class TicketStatus(models.TextChoices):
    OPEN = "open", "整改中"
    REQUESTED = "requested", "待审核"
    CLOSED = "closed", "已销号"


class Ticket(TrackedItem):
    status = models.CharField(max_length=30, choices=TicketStatus.choices, default=TicketStatus.OPEN)

    workflow = Workflow(
        initial=TicketStatus.OPEN,
        transitions=[
            Transition(
                name="request_closure",
                sources=(TicketStatus.OPEN,),
                target=TicketStatus.REQUESTED,
                label="申请销号",
                roles=frozenset({Role.CLERK}),
                owner_may=True,
                needs_evidence=True,
            ),
            Transition(
                name="approve",
                sources=(TicketStatus.REQUESTED,),
                target=TicketStatus.CLOSED,
                label="批准销号",
                roles=frozenset({Role.SUPERVISOR, Role.LEADER}),
                above=True,
            ),
            Transition(
                name="send_back",
                sources=(TicketStatus.REQUESTED,),
                target=TicketStatus.OPEN,
                label="退回",
                roles=frozenset({Role.SUPERVISOR, Role.LEADER, Role.INSPECTOR}),
                above=True,
                needs_comment=True,
            ),
        ],
    )
    closed_statuses = frozenset({TicketStatus.CLOSED})

    class Meta:
        app_label = "workflow_app"

    def get_absolute_url(self) -> str:
        return reverse("home")
