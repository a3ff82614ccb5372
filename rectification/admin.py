"""Admin pages of the ledger, for the system administrator's inspection and repairs.

Statuses, outcomes and the review rounds are read-only here: they change only through
the services, which check rights and write the event log.
"""

from django.contrib import admin

from rectification.models import (
    Domain,
    ExtensionRequest,
    Inspection,
    InspectionFinding,
    Measure,
    Problem,
    ProblemList,
    ProgressReport,
    ReviewRound,
    SpecialRectification,
)

ITEM_READONLY = ["status", "closure_kind", "closed_at", "original_deadline", "created_by", "created_at", "updated_at"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "order", "is_active"]
    list_filter = ["campaign", "is_active"]
    search_fields = ["name"]


@admin.register(SpecialRectification)
class SpecialRectificationAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "org", "level", "domain", "status"]
    list_filter = ["status", "level", "campaign"]
    search_fields = ["name"]
    raw_id_fields = ["org"]
    readonly_fields = ["status"]
    list_select_related = ["campaign", "org", "domain"]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["title", "org", "owner", "deadline", "original_deadline", "status", "closure_kind"]
    readonly_fields = ["original_deadline", "status", "closure_kind"]
    raw_id_fields = ["org", "owner"]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "org", "campaign", "level", "status", "closure_kind", "deadline", "immediate"]
    list_filter = ["status", "level", "closure_kind", "immediate", "campaign"]
    search_fields = ["title", "description", "org__name"]
    date_hierarchy = "found_date"
    raw_id_fields = ["org", "owner", "created_by"]
    readonly_fields = ITEM_READONLY
    list_select_related = ["org", "campaign"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "problem", "org", "status", "deadline"]
    list_filter = ["status"]
    search_fields = ["title", "problem__title"]
    raw_id_fields = ["problem", "org", "owner", "created_by"]
    readonly_fields = ITEM_READONLY
    list_select_related = ["problem", "org"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "problem", "measure", "percent", "reported_by", "created_at"]
    raw_id_fields = ["problem", "measure", "reported_by"]
    list_select_related = ["problem", "measure", "reported_by"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["item", "previous_deadline", "requested_deadline", "status", "requested_by", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["problem", "measure", "requested_by", "decided_by"]
    readonly_fields = ["status", "previous_deadline", "decided_by", "decided_at", "decision_comment"]
    list_select_related = ["problem", "measure", "requested_by", "decided_by"]


class ReviewRoundInline(admin.TabularInline):
    model = ReviewRound
    extra = 0
    can_delete = False
    fields = ["number", "direction", "outcome", "comment", "problem_count", "measure_count", "actor", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ProblemList)
class ProblemListAdmin(admin.ModelAdmin):
    list_display = ["org", "campaign", "status", "rounds_up", "updated_at"]
    list_filter = ["status", "campaign"]
    raw_id_fields = ["org"]
    readonly_fields = ["status", "rounds_up"]
    list_select_related = ["org", "campaign"]
    inlines = [ReviewRoundInline]


class InspectionFindingInline(admin.TabularInline):
    model = InspectionFinding
    extra = 0
    fields = ["org", "description", "fed_back_to", "fed_back_on", "orders_reexamination", "problem"]
    raw_id_fields = ["org", "fed_back_to", "problem"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "number", "org", "start_date", "end_date", "status"]
    list_filter = ["status", "campaign"]
    raw_id_fields = ["org", "inspector", "supervisor"]
    filter_horizontal = ["units"]
    list_select_related = ["campaign", "org"]
    inlines = [InspectionFindingInline]
