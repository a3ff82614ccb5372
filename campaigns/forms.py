from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, DateInput
from orgs.forms import OrgCodeField, ScopedOrgFieldsMixin


class CampaignForm(ScopedOrgFieldsMixin, BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    org = OrgCodeField(label=_("Run by org (code)"))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CampaignEditForm(CampaignForm):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        del self.fields["org"]


class ChannelForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Channel name"), max_length=60)


class TransitionForm(forms.Form):
    action = forms.CharField()
    comment = forms.CharField(required=False, widget=forms.Textarea)
