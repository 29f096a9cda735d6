"""The co-ordinator's pages for changing a live project: its amendments, and one amendment from draft to decision.

Everyone who may see the project reads them; only the co-ordinator changes anything (`amendment.request`).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from leo_access.confirmation import confirm
from leo_access.permissions import has_permission

from .amendment_forms import AmendmentForm, AnswerForm
from .amendments import selectors, services
from .amendments.routing import extension_limit
from .errors import InvalidInput, LifecycleError, NotPermitted, page_errors
from .models import Amendment
from .states import State
from .views import visible_application


@login_required
def amendment_list(request, pk):
    """A live project's amendments and its version history; POST starts a new amendment."""
    application = visible_application(request, pk)
    errors = []
    if request.method == "POST":
        if not has_permission(request.user, "amendment.request", application):
            raise PermissionDenied
        try:
            amendment = services.request_amendment(application_id=application.pk, by=request.user)
        except LifecycleError as error:
            application.refresh_from_db()
            errors = page_errors(error)
        else:
            return redirect("applications:amendment", pk=application.pk, number=amendment.number)
    context = {
        "application": application,
        "amendments": selectors.amendments_of(application),
        "versions": selectors.versions_of(application),
        "may_request": has_permission(request.user, "amendment.request", application)
        and application.state == State.ACCESS_GRANTED,
        "page_errors": errors,
    }
    return render(request, "applications/amendments.html", context, status=409 if errors else 200)


def _amendment(application, number) -> Amendment:
    amendment = selectors.amendment_of(application, number)
    if amendment is None:
        raise Http404("No such amendment")
    return amendment


ACTIONS = ("save", "submit", "withdraw", "answer")


@login_required
def amendment_detail(request, pk, number):
    """One amendment: what it changes and where it stands. The co-ordinator edits and submits a draft, answers
    questions and may withdraw it while it is open."""
    application = visible_application(request, pk)
    amendment = _amendment(application, number)
    may_request = has_permission(request.user, "amendment.request", application)
    form = AmendmentForm(None, application=application, amendment=amendment)
    answer_form = AnswerForm(None)
    errors = []
    if request.method == "POST":
        if not may_request:
            raise PermissionDenied
        action = request.POST.get("action")
        seen = request.POST.get("expected_state") or None
        try:
            if action == "save":
                form = AmendmentForm(request.POST, request.FILES, application=application, amendment=amendment)
                if form.is_valid():
                    _save(request, amendment, form, seen)
                    return redirect("applications:amendment", pk=pk, number=number)
            elif action == "submit":
                services.submit_amendment(amendment_id=amendment.pk, by=request.user, expected_state=seen)
                amendment.refresh_from_db()
                confirm(request, f"Amendment {number} has been submitted", _what_next(amendment))
                return redirect("applications:amendment", pk=pk, number=number)
            elif action == "withdraw":
                services.withdraw_amendment(amendment_id=amendment.pk, by=request.user, expected_state=seen)
                confirm(request, f"Amendment {number} has been withdrawn")
                return redirect("applications:amendments", pk=pk)
            elif action == "answer":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    services.answer_amendment_query(
                        amendment_id=amendment.pk,
                        by=request.user,
                        answers=answer_form.cleaned_data["answers"],
                        expected_state=seen,
                    )
                    confirm(request, "Your answers have been sent")
                    return redirect("applications:amendment", pk=pk, number=number)
            else:
                errors = [{"text": "Choose what to do with the amendment.", "href": ""}]
        except InvalidInput as error:
            (answer_form if action == "answer" else form).add_error(None, error.message)
        except NotPermitted as error:
            raise PermissionDenied from error
        except LifecycleError as error:
            errors = page_errors(error)
        amendment.refresh_from_db()
    status = 409 if errors else 200
    # The answers form is not the page's `form`: its errors join the page's error summary here.
    errors += [
        {"text": error, "href": f"#{answer_form[name].auto_id}" if name in answer_form.fields else ""}
        for name, messages in answer_form.errors.items()
        for error in messages
    ]
    context = {
        "application": application,
        "amendment": amendment,
        "form": form,
        "answer_form": answer_form,
        "may_request": may_request,
        "proposed_form": services.proposed_form(amendment),
        "extension_limit": extension_limit(application.end_date) if application.end_date else None,
        "page_errors": errors,
    }
    return render(request, "applications/amendment.html", context, status=status)


def _save(request, amendment, form, seen):
    services.update_amendment(
        amendment_id=amendment.pk, by=request.user, expected_state=seen, **form.service_arguments()
    )
    if form.cleaned_data.get("new_form"):
        services.upload_amendment_form(
            amendment_id=amendment.pk, by=request.user, uploaded=form.cleaned_data["new_form"]
        )
    confirm(request, f"Amendment {amendment.number} has been saved", "Submit it when it asks for everything you need.")


def _what_next(amendment: Amendment) -> str:
    if amendment.state == Amendment.State.APPROVED:
        return "Nothing in it needed review, so the project has changed already."
    return f"It is now with {amendment.get_stage_display().lower()}. The project runs as approved meanwhile."
