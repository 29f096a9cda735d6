"""The subject access request page: an admin sees whose data it is and what the zip holds, then downloads it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from leo_access.permissions import has_permission

from .personal_data import FILES, export_personal_data


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def personal_data(request, person_id: int):
    if not has_permission(request.user, "person.export"):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=person_id)
    if request.method == "GET":
        return render(request, "operations/personal_data.html", {"person": person, "files": FILES})
    export = export_personal_data(person_id=person.pk, by=request.user, request=request)
    response = HttpResponse(export.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
