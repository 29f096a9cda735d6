from django.contrib import admin

from leo_access.admin_paging import FlatAdminMixin

from .models import Message, Preference, ReminderRun, TeamSetting


@admin.register(Message)
class MessageAdmin(FlatAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "template", "recipient", "state", "attempts", "sent_at"]
    list_filter = ["state", "template"]
    search_fields = ["recipient", "key"]
    # The outbox is written by the service only; admins read it to see what was sent.
    readonly_fields = [field.name for field in Message._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderRun)
class ReminderRunAdmin(FlatAdminMixin, admin.ModelAdmin):
    list_display = ["ran_at", "kind", "subject", "period"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TeamSetting)
class TeamSettingAdmin(admin.ModelAdmin):
    list_display = ["team", "delivery", "address", "lead"]
    list_select_related = ["lead"]
    raw_id_fields = ["lead"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "queue_arrivals"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
