from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from leo_access.admin_paging import FlatAdminMixin

from .models import (
    Application,
    ApplicationEvent,
    Catalogue,
    CatalogueTable,
    DelegationSettings,
    DepartmentReview,
    Query,
    TeamMember,
    VariableRequestForm,
)
from .vrf import CatalogueError
from .vrf_catalogue import import_catalogue


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TeamInline(ReadOnlyInline):
    model = TeamMember
    fields = ["email", "user", "role", "status", "invited_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ["at", "kind", "actor", "actor_role", "from_state", "to_state", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReadOnlyAdmin(FlatAdminMixin, admin.ModelAdmin):
    """Applications and their records change only through the service's own pages and services.

    They grow with the applications: no full counts, and each list names the related rows it shows.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "state", "submitted_at", "updated_at"]
    list_filter = ["state"]
    search_fields = ["reference", "title", "team_members__email"]
    inlines = [TeamInline, EventInline]


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    """The audit trail: append-only, so it can be read and searched here but never changed."""

    list_display = ["at", "application", "kind", "actor", "actor_role", "from_state", "to_state"]
    list_select_related = ["application", "actor"]
    list_filter = ["kind", "actor_role"]
    search_fields = ["application__reference", "actor__email", "comment"]
    date_hierarchy = "at"


@admin.register(DepartmentReview)
class DepartmentReviewAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "opened_at", "decided_at", "decided_by", "superseded_at"]
    list_select_related = ["application", "decided_by"]
    list_filter = ["department", "decision"]
    search_fields = ["application__reference"]


@admin.register(Query)
class QueryAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "raised_at", "raised_by", "answered_at", "answered_by"]
    list_select_related = ["application", "raised_by", "answered_by"]
    list_filter = ["stage"]
    search_fields = ["application__reference"]


@admin.register(VariableRequestForm)
class VariableRequestFormAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "original_name", "uploaded_at", "uploaded_by", "validation_status"]
    list_select_related = ["application", "uploaded_by"]
    list_filter = ["validation_status"]
    search_fields = ["application__reference"]


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(label="Official Variable Request Form (.xlsx, blank or filled in)")


class TableInline(ReadOnlyInline):
    model = CatalogueTable
    fields = ["position", "dataset", "name", "sheet_name", "owner", "family"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dataset")


@admin.register(Catalogue)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["form_version", "form_date", "source_name", "imported_at"]
    readonly_fields = ["form_version", "form_date", "source_name", "source_sha256", "imported_at"]
    inlines = [TableInline]
    change_list_template = "admin/applications/catalogue/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="applications_catalogue_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        form = CatalogueUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                outcome = import_catalogue(data=upload.read(), source_name=upload.name)
            except CatalogueError as error:
                form.add_error("file", str(error))
            else:
                if outcome.created:
                    messages.success(
                        request,
                        f"Imported form version {outcome.catalogue.form_version}: "
                        f"{outcome.tables} tables, {outcome.variables} variables.",
                    )
                else:
                    messages.info(request, f"Version {outcome.catalogue.form_version} was already imported.")
                return redirect("admin:applications_catalogue_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "title": "Import a catalogue"}
        return TemplateResponse(request, "admin/applications/catalogue/import.html", context)


@admin.register(DelegationSettings)
class DelegationSettingsAdmin(admin.ModelAdmin):
    """The one row of delegated accreditation's criteria: changed here, never added twice or deleted."""

    fields = ("enabled", "identification_risk_floor", "excluded_sensitivities", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not DelegationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = DelegationSettings.objects.filter(pk=1).first()
        if settings_row is None:
            return redirect("admin:applications_delegationsettings_add")
        return redirect("admin:applications_delegationsettings_change", settings_row.pk)
