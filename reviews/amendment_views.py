"""Staff pages for amendments to live projects: the queue of those one's team holds, and deciding one.

A department decides on the growth of its own data; the RAS, the panel or a delegated official decide at the stage
their team holds (`applications.amendments.routing`).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from applications.amendment_forms import DecisionForm, DepartmentDecisionForm
from applications.amendments import decisions, selectors
from applications.amendments.services import proposed_form
from applications.errors import InvalidInput, LifecycleError, NotPermitted, page_errors
from applications.models import Amendment
from applications.views import visible_application
from leo_access.confirmation import confirm
from leo_access.permissions import has_permission
from leo_access.roles import department_of


@login_required
def amendment_queue(request):
    if not has_permission(request.user, "amendment.decide"):
        raise PermissionDenied
    rows = list(selectors.amendment_queue(request.user)[:200])
    return render(request, "reviews/amendment_queue.html", {"rows": rows})


def _form(request, amendment, data=None):
    if amendment.stage == Amendment.Stage.DEPARTMENTS:
        return DepartmentDecisionForm(data)
    triage = amendment.stage == Amendment.Stage.RAS and bool(amendment.proposed)
    return DecisionForm(data, triage=triage)


@login_required
def amendment_review(request, pk, number):
    application = visible_application(request, pk)
    if not has_permission(request.user, "amendment.decide", application):
        raise PermissionDenied
    amendment = selectors.amendment_of(application, number)
    if amendment is None:
        raise Http404("No such amendment")
    holds = decisions.holds(request.user, amendment)
    form = _form(request, amendment)
    errors = []
    if request.method == "POST":
        form = _form(request, amendment, request.POST)
        seen = request.POST.get("expected_state") or None
        if form.is_valid():
            try:
                _decide(request, amendment, form.cleaned_data, seen)
            except InvalidInput as error:
                form.add_error(None, error.message)
            except NotPermitted as error:
                raise PermissionDenied from error
            except LifecycleError as error:
                errors = page_errors(error)
            else:
                amendment.refresh_from_db()
                confirm(request, f"Your decision on amendment {number} has been recorded", _outcome(amendment))
                return redirect("reviews:amendments")
        amendment.refresh_from_db()
        holds = decisions.holds(request.user, amendment)
    context = {
        "application": application,
        "amendment": amendment,
        "form": form,
        "holds": holds,
        "proposed_form": proposed_form(amendment),
        "page_errors": errors,
    }
    return render(request, "reviews/amendment.html", context, status=409 if errors else 200)


def _decide(request, amendment, data, seen):
    if amendment.stage == Amendment.Stage.DEPARTMENTS:
        department = department_of(request.user)
        if department is None:
            raise NotPermitted("Only a department's reviewers decide on its data.")
        decisions.record_amendment_department_decision(
            amendment_id=amendment.pk,
            by=request.user,
            department=department,
            decision=data["decision"],
            reasons=data["reasons"],
            expected_state=seen,
        )
    else:
        decisions.decide_amendment(
            amendment_id=amendment.pk,
            by=request.user,
            decision=data["decision"],
            reasons=data["reasons"],
            triage=data.get("triage") or "",
            expected_state=seen,
            expected_stage=request.POST.get("expected_stage") or None,
        )


def _outcome(amendment: Amendment) -> str:
    if amendment.state == Amendment.State.APPROVED:
        return f"The project is now at version {amendment.version.number}."
    if amendment.state == Amendment.State.UNDER_REVIEW:
        return f"It is now with {amendment.get_stage_display().lower()}."
    return f"The amendment is {amendment.get_state_display().lower()}."
