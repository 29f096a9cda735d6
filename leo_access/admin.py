from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django_celery_results.admin import GroupResultAdmin, TaskResultAdmin
from django_celery_results.models import GroupResult, TaskResult

from .admin_paging import FlatAdminMixin
from .models import User


@admin.register(User)
class UserAdmin(FlatAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal details", {"fields": ["full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
        ("Subject access request", {"fields": ["personal_data"]}),
    ]
    readonly_fields = ["personal_data"]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description="Personal data")
    def personal_data(self, user):
        """The page exporting everything held about this person (operations/personal_data_views.py)."""
        url = reverse("people:personal_data", args=[user.pk])
        return format_html('<a href="{}">Export their personal data as a zip</a>', url)


# Other apps' tables that grow with the service, registered again to read their lists in a fixed number of
# queries (leo_access/admin_paging.py). Their apps come first in INSTALLED_APPS, so they are registered by now.
class FlatEmailAddressAdmin(FlatAdminMixin, EmailAddressAdmin):
    list_select_related = ["user"]


class FlatAuthenticatorAdmin(FlatAdminMixin, AuthenticatorAdmin):
    list_select_related = ["user"]


class FlatTaskResultAdmin(FlatAdminMixin, TaskResultAdmin):
    pass


class FlatGroupResultAdmin(FlatAdminMixin, GroupResultAdmin):
    pass


for _model, _admin in [
    (EmailAddress, FlatEmailAddressAdmin),
    (Authenticator, FlatAuthenticatorAdmin),
    (TaskResult, FlatTaskResultAdmin),
    (GroupResult, FlatGroupResultAdmin),
]:
    admin.site.unregister(_model)
    admin.site.register(_model, _admin)
