"""The "Data requested" section: the template, uploads and their validation results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from leo_access.audit import services as audit
from leo_access.confirmation import confirm
from leo_access.files import protected_file_response
from leo_access.permissions import has_permission

from . import selectors, services
from .errors import InvalidInput, LifecycleError, NotPermitted, page_errors
from .forms import VariableRequestUploadForm
from .models import VariableRequestForm
from .tasks import UNCHECKED_AFTER
from .views import visible_application
from .vrf_catalogue import current_catalogue, template_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context(request, application, **extra):
    forms = list(application.variable_request_forms.select_related("uploaded_by").order_by("-version"))
    latest = forms[0] if forms else None
    previous = next((f for f in forms[1:] if f.result), None)
    return {
        "application": application,
        "forms": forms,
        "latest": latest,
        "difference": selectors.form_difference(latest, previous),
        # Still waiting after the sweeper's delay: its check could not be queued and will be, once it can.
        "waiting_long": latest is not None
        and latest.validation_status == VariableRequestForm.Validation.PENDING
        and latest.uploaded_at < timezone.now() - UNCHECKED_AFTER,
        "may_edit": has_permission(request.user, "application.edit", application)
        and application.state in services.EDITABLE_STATES,
        "catalogue": current_catalogue(),
        **extra,
    }


@login_required
def data_request(request, pk):
    application = visible_application(request, pk)
    form = VariableRequestUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST":
        if not has_permission(request.user, "application.edit", application):
            raise PermissionDenied
        if form.is_valid():
            try:
                upload = services.upload_variable_request_form(
                    application_id=application.pk, by=request.user, uploaded=form.cleaned_data["file"]
                )
            except InvalidInput as error:
                form.add_error("file", error.message)
            except NotPermitted as error:
                raise PermissionDenied from error
            except LifecycleError as error:
                errors = page_errors(error)
            else:
                _say_how_the_check_went(request, upload)
                return redirect("applications:data", pk=application.pk)
    context = _context(request, application, form=form, page_errors=errors)
    return render(request, "applications/data.html", context, status=409 if errors else 200)


def _say_how_the_check_went(request, upload):
    """The banner after an upload, from where its check is now: it may already have finished (tasks run in
    the web process without a broker, and a fast worker may beat the redirect)."""
    upload.refresh_from_db(fields=["validation_status"])
    status = upload.validation_status
    if status == upload.Validation.PASSED:
        confirm(
            request,
            f"Version {upload.version} of your form passed the checks",
            "It is the form your application uses now.",
        )
    elif status == upload.Validation.FAILED:
        messages.error(
            request,
            f"Version {upload.version} of your form has errors. Correct the errors listed on this page and upload it "
            "again; the application keeps using its last form that passed.",
        )
    else:
        # Promise no time: when the broker is down the upload is kept and the check is queued only once it
        # is back (applications.tasks.queue_unchecked_forms).
        confirm(
            request,
            f"Version {upload.version} of your form is saved. Checking will start shortly; "
            "this page shows the result when it is ready.",
        )


@never_cache
@login_required
def data_request_status(request, pk):
    """The live part of the page: polled while a form is being checked."""
    application = visible_application(request, pk)
    return render(request, "applications/includes/form_status.html", _context(request, application))


@login_required
def form_template(request, pk):
    application = visible_application(request, pk)
    workbook = template_for(application)
    if workbook is None:
        return HttpResponse(
            "No catalogue has been imported yet, so no template can be made. Ask the accreditation service.",
            status=503,
            content_type="text/plain",
        )
    filename = f"{application.reference or 'draft'}-variable-request-form.xlsx"
    audit.record_download(
        request=request, what="a Variable Request Form template", application=application, filename=filename
    )
    response = HttpResponse(workbook, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def form_download(request, pk, version):
    application = visible_application(request, pk)
    upload = VariableRequestForm.objects.filter(application=application, version=version).first()
    if upload is None:
        raise Http404("No such version")
    filename = f"{application.reference or 'draft'}-variable-request-form-v{version}.xlsx"
    audit.record_download(
        request=request, what=f"Variable Request Form version {version}", application=application, filename=filename
    )
    return protected_file_response(
        request, upload.file, filename=filename, content_type=XLSX, sha256=upload.sha256, application=application
    )


@login_required
def ethics_letter(request, pk):
    """The ethics committee's approval letter, for the team and for staff."""
    application = visible_application(request, pk)
    letter = application.ethics_approval_letter
    if not letter:
        raise Http404("No letter has been uploaded")
    filename = f"{application.reference or 'draft'}-ethics-approval-letter.pdf"
    audit.record_download(
        request=request, what="the ethics approval letter", application=application, filename=filename
    )
    return protected_file_response(
        request, letter, filename=filename, content_type="application/pdf", application=application
    )
