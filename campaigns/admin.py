from django.contrib import admin

from campaigns.models import Campaign, Channel


class ChannelInline(admin.TabularInline):
    model = Channel
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "org", "start_date", "end_date", "status"]
    list_filter = ["status"]
    raw_id_fields = ["org"]
    inlines = [ChannelInline]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "campaign", "order", "is_active"]
    list_filter = ["campaign"]
