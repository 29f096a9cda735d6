from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from applications.conditions import blocking_conditions
from applications.errors import InvalidInput, LifecycleError, NotPermitted, page_errors
from applications.selectors import application_for
from applications.states import State
from applications.views import detail_context, lost_to_another, visible_application
from leo_access.audit import services as audit
from leo_access.audit.services import client_ip
from leo_access.confirmation import confirm
from leo_access.files import StoredFileProblem, problem_page, protected_file_response
from leo_access.permissions import has_permission

from . import selectors, services
from .forms import SignForm, VerifyForm


@login_required
def sign(request, pk):
    application = application_for(request.user, pk)
    declaration = selectors.own_declaration(request.user, application) if application else None
    if declaration is None or not has_permission(request.user, "declaration.sign", application):
        raise Http404("No declaration to sign")
    text = declaration.text or services.current_text()
    form = SignForm(request.POST or None, user=request.user, text=text)
    errors = []
    if request.method == "POST" and not declaration.signed_at and form.is_valid():
        try:
            services.sign_declaration(
                declaration_id=declaration.pk,
                by=request.user,
                typed_name=form.cleaned_data["typed_name"],
                confirmed_clauses=form.confirmed_clauses(),
                text_sha256=request.POST.get("text_sha256", ""),
                confirmed_with=form.confirmed_with,
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        except NotPermitted as error:
            raise Http404("No declaration to sign") from error
        except LifecycleError as error:
            errors = page_errors(error)
        else:
            application.refresh_from_db()
            confirm(
                request,
                "You have signed your Individual Declaration",
                "We will e-mail you a link to your signed PDF. "
                + (
                    "Everyone on the team has now signed, so access has been granted."
                    if application.state == State.ACCESS_GRANTED
                    else "Access is granted once everyone on the team has signed."
                ),
            )
            return redirect("applications:detail", pk=application.pk)
        declaration.refresh_from_db()
    clause_fields = [form[f"clause_{n}"] for n in range(1, len(text.clauses) + 1)]
    context = {
        "application": application,
        "declaration": declaration,
        "text": text,
        "form": form,
        "sign_form": form,
        "clause_fields": clause_fields,
        "clause_errors": any(field.errors for field in clause_fields),
        "page_errors": errors,
        "conditions_hold_access": blocking_conditions(application).exists(),
    }
    return render(request, "declarations/sign.html", context, status=409 if errors else 200)


@login_required
def document(request, pk):
    declaration = selectors.declaration_for_download(request.user, pk)
    if declaration is None:
        raise Http404("No such document")
    stored = declaration.document
    filename = f"{stored.document_number}.pdf"
    audit.record_download(
        request=request, what="a signed Individual Declaration", application=declaration.application, filename=filename
    )
    response = protected_file_response(
        request,
        stored.file,
        filename=filename,
        content_type="application/pdf",
        sha256=stored.sha256,
        application=declaration.application,
    )
    if response.status_code == 200:
        response["X-Content-SHA256"] = stored.sha256
    return response


@login_required
def archive(request, pk):
    application = application_for(request.user, pk)
    if application is None or not has_permission(request.user, "declaration.download_all", application):
        raise Http404("No such application")
    name = slugify(f"{application.reference}-declarations")
    try:
        data, count = selectors.archive(application)
    except StoredFileProblem as problem:
        return problem_page(request, problem, filename=f"{name}.zip", application=application)
    if not count:
        raise Http404("No signed declarations yet")
    audit.record_download(
        request=request, what=f"all {count} signed declarations", application=application, filename=f"{name}.zip"
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def verify(request):
    if not has_permission(request.user, "declaration.verify"):
        raise PermissionDenied
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = selectors.verify_upload(upload.read())
        result.file_name = upload.name
    return render(request, "declarations/verify.html", {"form": form, "result": result})


@login_required
@require_POST
def grant(request, pk):
    application = visible_application(request, pk)
    if not has_permission(request.user, "application.grant_access", application):
        raise PermissionDenied
    try:
        services.grant_access(application_id=pk, by=request.user, expected_state=request.POST.get("expected_state"))
    except LifecycleError as error:
        context = detail_context(request, application, page_errors=lost_to_another(application, error))
        return render(request, "applications/detail.html", context, status=409)
    confirm(
        request,
        f"Access to LEO has been granted for {application.reference}",
        "The team has been told. The project stays open until its end date or until an admin closes it.",
    )
    return redirect("reviews:review", pk=pk)
