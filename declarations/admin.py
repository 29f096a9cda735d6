from django import forms
from django.contrib import admin, messages

from applications.admin import ReadOnlyAdmin
from applications.errors import LifecycleError
from leo_access.permissions import has_permission

from . import services
from .models import Declaration, DeclarationText, SignedDeclarationDocument


class DeclarationTextForm(forms.ModelForm):
    clauses_text = forms.CharField(
        label="Clauses",
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text="One clause per paragraph: leave a blank line between clauses.",
    )

    class Meta:
        model = DeclarationText
        fields = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["clauses_text"].initial = "\n\n".join(self.instance.clauses)

    def clauses(self) -> list[str]:
        return services.clean_clauses(self.cleaned_data["clauses_text"].replace("\r\n", "\n").split("\n\n"))


@admin.register(DeclarationText)
class DeclarationTextAdmin(admin.ModelAdmin):
    """Drafts are edited here; publishing fixes a version for ever, through the service."""

    form = DeclarationTextForm
    list_display = ["version", "title", "published_at", "sha256"]
    readonly_fields = ["version", "sha256", "published_at", "published_by", "created_by", "created_at"]
    actions = ["publish"]

    def _may(self, request):
        return has_permission(request.user, "declaration_text.manage")

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_module_permission(self, request):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request) and (obj is None or not obj.published_at)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            saved = services.update_text_draft(
                text_id=obj.pk, by=request.user, title=form.cleaned_data["title"], clauses=form.clauses()
            )
        else:
            saved = services.create_text_draft(
                by=request.user, title=form.cleaned_data["title"], clauses=form.clauses()
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description="Publish the selected drafts (they can never change again)")
    def publish(self, request, queryset):
        for text in queryset.order_by("version"):
            try:
                services.publish_text(text_id=text.pk, by=request.user)
            except LifecycleError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, f"Published version {text.version}.", messages.SUCCESS)


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["application", "member", "signed_at", "withdrawn_at", "accreditation_reference"]
    list_select_related = ["application", "member"]
    list_filter = ["signed_at"]
    search_fields = ["application__reference", "member__email"]


@admin.register(SignedDeclarationDocument)
class SignedDeclarationDocumentAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "declaration", "sha256", "created_at"]
    # A declaration's name reads its member and application.
    list_select_related = ["declaration__member", "declaration__application"]
    # The file is downloaded through the permission-checked view, not the admin's media link.
    exclude = ["file"]
