"""Forms of the research pages: they check the shape of input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from core.forms import BootstrapFormMixin, DateInput
from orgs.choices import Role
from orgs.forms import OrgCodeField
from orgs.models import Org, User
from rectification.choices import ProblemLevel
from research.choices import EntityKind, TopicStatus, VisitKind
from research.models import Entity, ResearchTopic


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker (``datetime-local`` wants ISO values)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):  # type: ignore[no-untyped-def]
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def leaders_for(user) -> forms.ModelChoiceField:  # type: ignore[no-untyped-def]
    """People holding a leader role whom ``user`` sees."""
    return User.objects.visible_to(user).filter(grants__role=Role.LEADER).distinct().order_by("home_org__path", "pk")


class CatalogueFormMixin(BootstrapFormMixin):
    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if "campaign" in self.fields:
            self.fields["campaign"].queryset = Campaign.objects.visible_to(user).active()  # type: ignore[attr-defined]
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, OrgCodeField):
                field.queryset = Org.objects.visible_to(user)


class TopicForm(CatalogueFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    org = OrgCodeField(label=_("Catalogue kept by (org code)"))
    area = forms.CharField(label=_("Area"), max_length=60)
    title = forms.CharField(label=_("Topic title"), max_length=200)
    proposer = forms.CharField(label=_("Proposed by"), max_length=100, required=False)


class ImportForm(CatalogueFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    org = OrgCodeField(label=_("Catalogue kept by (org code)"))
    file = forms.FileField(label=_("Spreadsheet file"))


class EntityImportForm(CatalogueFormMixin, forms.Form):
    org = OrgCodeField(label=_("Default unit (org code)"), help_text=_("For rows whose unit column is empty."))
    file = forms.FileField(label=_("Spreadsheet file"))


class RoundForm(BootstrapFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_final = forms.BooleanField(label=_("Final round: the shortlist becomes the selected topics"), required=False)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics kept"), queryset=ResearchTopic.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, topics=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics if topics is not None else ResearchTopic.objects.none()
        self.fields["topics"].widget.attrs["class"] = "form-check-input"


class AssignForm(BootstrapFormMixin, forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader in charge"), queryset=User.objects.none())

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders_for(user)


class ReportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Research report (Word or PDF)"))
    characters = forms.IntegerField(label=_("Length in characters"), min_value=0, required=False)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EntityForm(CatalogueFormMixin, forms.Form):
    org = OrgCodeField(label=_("Unit it lies in (org code)"))
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntityKind.choices)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=60, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)


class VisitForm(CatalogueFormMixin, forms.Form):
    org = OrgCodeField(label=_("Filed by (org code)"))
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=User.objects.none())
    entity = forms.ModelChoiceField(label=_("Enterprise or place"), queryset=Entity.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
    topic = forms.ModelChoiceField(label=_("Research topic"), queryset=ResearchTopic.objects.none(), required=False)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("I have seen the warning: save anyway"), required=False)

    def __init__(self, *args, user=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, user=user, **kwargs)
        self.fields["leader"].queryset = leaders_for(user)
        self.fields["entity"].queryset = Entity.objects.visible_to(user)
        self.fields["topic"].queryset = ResearchTopic.objects.visible_to(user).filter(
            status__in=[TopicStatus.SELECTED, TopicStatus.ASSIGNED, TopicStatus.REPORTED]
        )


class VisitLogForm(BootstrapFormMixin, forms.Form):
    people_met = forms.IntegerField(label=_("People met"), min_value=0, initial=0)
    questionnaires = forms.IntegerField(label=_("Questionnaires collected"), min_value=0, initial=0)
    petitions_received = forms.IntegerField(label=_("Petition cases received"), min_value=0, initial=0)
    petitions_resolved = forms.IntegerField(label=_("Petition cases resolved"), min_value=0, initial=0)
    summary = forms.CharField(label=_("Visit log"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FindingForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(label=_("Finding"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FindingProblemForm(CatalogueFormMixin, forms.Form):
    org = OrgCodeField(label=_("Responsible unit (org code)"))
    level = forms.ChoiceField(label=_("Level"), choices=ProblemLevel.choices)
    title = forms.CharField(label=_("Problem"), max_length=300, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
