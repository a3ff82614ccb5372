"""Forms of the project pages: they check the shape of input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from core.forms import BootstrapFormMixin, DateInput
from core.scoping import ancestor_paths
from orgs.choices import Role
from orgs.forms import OrgCodeField
from orgs.models import Org, User, grant_paths
from projects.choices import ProjectLevel, ProjectStage, PromotionKind
from rectification.choices import ProblemLevel


def leaders_for(user: Any) -> QuerySet[User]:
    """People a project or task can be 包抓 by: leaders the user sees, and those holding
    the leader role at or above the user's own units (a community clerk names a
    county-level leader)."""
    paths = {ancestor for path in grant_paths(user) for ancestor in ancestor_paths(path)}
    above = Q(grants__role=Role.LEADER, grants__org__path__in=paths) if paths else Q(pk__in=[])
    visible = User.objects.visible_to(user).filter(grants__role=Role.LEADER)
    return User.objects.filter(Q(pk__in=visible.values("pk")) | above).distinct().order_by("real_name")


class PersonField(forms.CharField):
    """A person by user name, among the people the form's user sees."""

    queryset = User.objects.none()

    def to_python(self, value: Any) -> User | None:
        name = super().to_python(value).strip()
        if not name:
            return None
        person = self.queryset.filter(username=name).first()
        if person is None:
            raise forms.ValidationError(_("No account has the user name “%(name)s”."), params={"name": name})
        return person


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several evidence files in one input (photos straight from a phone's camera)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ScopedForm(BootstrapFormMixin, forms.Form):
    """Org fields accept the user's orgs, person fields the user's people, leader fields
    the leaders the user may name."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, OrgCodeField):
                field.queryset = Org.objects.visible_to(user)
            elif isinstance(field, PersonField):
                field.queryset = User.objects.visible_to(user)
            elif isinstance(field, forms.ModelChoiceField) and name == "leader":
                field.queryset = leaders_for(user)
            elif isinstance(field, forms.ModelChoiceField) and name == "campaign":
                field.queryset = Campaign.objects.visible_to(user)


class ProjectForm(ScopedForm):
    org = OrgCodeField(label=_("Owner org (code)"))
    title = forms.CharField(label=_("Project name"), max_length=300)
    code = forms.CharField(label=_("Project code"), max_length=40, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=ProjectLevel.choices)
    industry = forms.CharField(label=_("Industry"), max_length=60, required=False)
    leader = forms.ModelChoiceField(label=_("Leader in charge"), queryset=User.objects.none(), required=False)
    owner = PersonField(label=_("Responsible person (user name)"), required=False)
    team_name = forms.CharField(label=_("Project team"), max_length=100, required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    total_investment = forms.DecimalField(
        label=_("Total investment (10,000 yuan)"), min_value=0, max_digits=18, decimal_places=4, initial=0
    )
    annual_plan = forms.DecimalField(
        label=_("Planned investment this year (10,000 yuan)"),
        min_value=0,
        max_digits=18,
        decimal_places=4,
        required=False,
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=ProjectStage.choices)
    stage_date = forms.DateField(label=_("Stage reached on"), required=False, widget=DateInput())
    deadline = forms.DateField(label=_("Planned completion"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class StageForm(BootstrapFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=ProjectStage.choices)
    date = forms.DateField(label=_("Reached on"), required=False, widget=DateInput())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)
    expected_stage = forms.CharField(required=False, widget=forms.HiddenInput())


class ReportForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    amount = forms.DecimalField(
        label=_("Investment completed (10,000 yuan)"), min_value=0, max_digits=18, decimal_places=4
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PlanForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(
        label=_("Planned investment (10,000 yuan)"), min_value=0, max_digits=18, decimal_places=4
    )


class MemberForm(ScopedForm):
    person = PersonField(label=_("Person (user name)"))
    duty = forms.CharField(label=_("Duty in the team"), max_length=60, required=False)


class MilestoneForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())


class ProblemRaiseForm(ScopedForm):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    title = forms.CharField(label=_("Problem"), max_length=300)
    level = forms.ChoiceField(label=_("Level"), choices=ProblemLevel.choices, initial=ProblemLevel.DEPARTMENT)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ClosureForm(forms.Form):
    evidence = EvidenceField(label=_("Evidence"), required=False)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class TaskForm(ScopedForm):
    org = OrgCodeField(label=_("Owner org (code)"))
    title = forms.CharField(label=_("Key task"), max_length=300)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    leader = forms.ModelChoiceField(label=_("Leader in charge"), queryset=User.objects.none(), required=False)
    owner = PersonField(label=_("Responsible person (user name)"), required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress"), max_length=5000)


class PromotionForm(ScopedForm):
    org = OrgCodeField(label=_("Owner org (code)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=PromotionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    leader = forms.ModelChoiceField(label=_("Leading leader"), queryset=User.objects.none(), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    target_companies = forms.CharField(
        label=_("Target companies, one per line"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DealForm(ScopedForm):
    org = OrgCodeField(label=_("Owner org (code)"))
    company = forms.CharField(label=_("Company"), max_length=200)
    project_name = forms.CharField(label=_("Project"), max_length=200)
    industry = forms.CharField(label=_("Industry"), max_length=60, required=False)
    amount = forms.DecimalField(label=_("Contract amount (10,000 yuan)"), min_value=0, max_digits=18, decimal_places=4)
    signed_date = forms.DateField(label=_("Signed on"), widget=DateInput())
    manager = PersonField(label=_("Project steward (user name)"), required=False)


class FundingForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    amount = forms.DecimalField(label=_("Funds in place (10,000 yuan)"), min_value=0, max_digits=18, decimal_places=4)


class ManagerForm(ScopedForm):
    manager = PersonField(label=_("Project steward (user name)"), required=False)


class ReturnImportForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    file = forms.FileField(label=_("Monthly return (.xlsx, .xls, .ods or .csv)"))
    check_only = forms.BooleanField(label=_("Check only, do not import"), required=False)
