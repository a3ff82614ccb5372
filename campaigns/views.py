"""Campaign pages: list, detail with channels and history, forms for each change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import services
from campaigns.forms import CampaignEditForm, CampaignForm, ChannelForm, TransitionForm
from campaigns.models import Campaign
from campaigns.selectors import campaign_channels, campaigns_visible
from campaigns.services import MANAGING_ROLES
from core.errors import DomainError
from core.forms import add_domain_error
from core.services import item_events
from orgs.permissions import has_any_role, holds_role_over


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(campaigns_visible(user=request.user), pk=pk)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaigns_visible(user=request.user)
    can_create = request.user.is_superuser or has_any_role(request.user, MANAGING_ROLES)
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns, "can_create": can_create})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    can_manage = holds_role_over(request.user, campaign.org, MANAGING_ROLES)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "channels": campaign_channels(campaign),
            "events": item_events(campaign).order_by("-created_at")[:30],
            "transitions": Campaign.workflow.available(campaign, request.user),
            "can_manage": can_manage,
            "channel_form": ChannelForm() if can_manage else None,
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The campaign was created with the usual channels."))
            return redirect(campaign)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    initial = {
        "name": campaign.name,
        "short_name": campaign.short_name,
        "start_date": campaign.start_date,
        "end_date": campaign.end_date,
        "description": campaign.description,
    }
    form = CampaignEditForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, acting_user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(campaign)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Workflow transitions and channel changes of one campaign."""
    campaign = _campaign(request, pk)
    try:
        if action == "transition":
            form = TransitionForm(request.POST)
            form.is_valid()
            services.campaign_transition(
                campaign=campaign,
                action=form.cleaned_data.get("action", ""),
                comment=form.cleaned_data.get("comment", ""),
                acting_user=request.user,
            )
            messages.success(request, _("Done."))
        elif action == "channel_add":
            form = ChannelForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("A channel needs a name."), field="name")
            services.channel_add(campaign=campaign, name=form.cleaned_data["name"], acting_user=request.user)
            messages.success(request, _("The channel was added."))
        elif action == "channel_toggle":
            channel_id = request.POST.get("channel", "")
            if not channel_id.isdigit():
                raise Http404
            channel = get_object_or_404(campaign.channels, pk=channel_id)
            services.channel_update(channel=channel, is_active=not channel.is_active, acting_user=request.user)
            messages.success(request, _("Saved."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(campaign)
