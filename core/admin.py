"""Admin pages of the shared models. The event log is read-only here as everywhere."""

from django.contrib import admin

from core.models import Attachment, CalendarDay, CalendarYear, Event, Notification


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "content_type", "object_id", "actor", "from_status", "to_status"]
    list_filter = ["action", "content_type"]
    search_fields = ["comment", "actor__real_name", "actor__username"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "media_type", "size", "org", "uploaded_by", "created_at"]
    list_select_related = ["org", "uploaded_by"]
    readonly_fields = ["sha256", "size", "media_type"]
    raw_id_fields = ["org", "uploaded_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    raw_id_fields = ["recipient"]
    list_select_related = ["recipient"]


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "updated_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
