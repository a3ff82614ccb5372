from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from orgs.models import Org, RoleGrant, User


@admin.register(Org)
class OrgAdmin(TreeAdmin):
    form = movenodeform_factory(Org, exclude=["path", "depth", "numchild"])
    list_display = ["name", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    raw_id_fields = ["head"]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    raw_id_fields = ["org"]


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ["username", "real_name", "home_org", "mobile", "is_party_member", "member_category", "is_active"]
    list_filter = ["is_party_member", "member_category", "is_active", "is_staff"]
    search_fields = ["username", "real_name", "mobile"]
    list_select_related = ["home_org"]
    raw_id_fields = ["home_org"]
    inlines = [RoleGrantInline]
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            _("Taizhang"),
            {"fields": ("real_name", "mobile", "home_org", "position", "is_party_member", "member_category")},
        ),
    )


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "org", "created_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "org"]
    list_select_related = ["user", "org"]
