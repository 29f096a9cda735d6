"""The register's page for admins: its versions, and uploading a new one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from ..forms import GovukForm
from ..permissions import has_permission
from .models import RegisterImport
from .reading import RegisterFileError
from .services import import_register

MAX_BYTES = 20 * 1024 * 1024


class RegisterUploadForm(GovukForm):
    submit_label = "Import the register"
    file = forms.FileField(
        label="The register of accredited researchers",
        help_text="The file published by the UK Statistics Authority, as .xlsx or .csv.",
        error_messages={"required": "Choose the register file"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload


@login_required
def register(request):
    if not has_permission(request.user, "register.import"):
        raise PermissionDenied
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version, created = import_register(content=upload.read(), filename=upload.name, by=request.user)
        except RegisterFileError as error:
            form.add_error("file", str(error))
        else:
            if created:
                messages.success(request, f"Version {version.version} imported: {version.rows} researchers.")
            else:
                messages.info(request, f"This file is already version {version.version}; nothing changed.")
            return redirect("accredited_register")
    versions = RegisterImport.objects.select_related("imported_by")[:20]
    return render(request, "pages/accredited_register.html", {"form": form, "versions": versions})
