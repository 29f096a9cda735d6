from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from applications.delegation import assess
from applications.ethics import answers_for
from applications.selectors import form_difference
from applications.states import State
from applications.views import action_page, detail_context, visible_application
from leo_access.permissions import has_permission
from leo_access.roles import department_of

from . import confirmations, decisions, delegation, selectors, services
from .forms import CloseForm, DelegatedDecisionForm, DepartmentForm, IntakeForm, PanelForm
from .models import IntakeItem


@login_required
def intake(request, pk):
    application = visible_application(request, pk)

    def decide(data, seen):
        decisions.intake(application_id=pk, by=request.user, data=data, expected_state=seen)

    return action_page(
        request,
        application,
        action="application.pass_intake",
        form=IntakeForm(
            request.POST or None,
            initial={"checks": list(application.intake_checks.values_list("item", flat=True))},
        ),
        template="reviews/decision.html",
        extra={"heading": "Record the intake decision"},
        perform=decide,
        confirmation=lambda data, decided: confirmations.intake(data["decision"], decided),
        done_url=reverse("reviews:review", args=[pk]),
    )


@login_required
def department(request, pk):
    application = visible_application(request, pk)
    own = department_of(request.user)

    def decide(data, seen):
        decisions.department(application_id=pk, by=request.user, data=data, expected_state=seen)

    return action_page(
        request,
        application,
        action="application.decide_department",
        form=DepartmentForm(request.POST or None),
        template="reviews/decision.html",
        extra={"heading": "Record your department's decision"},
        perform=decide,
        confirmation=lambda data, decided: confirmations.department(data["decision"], decided, own),
        done_url=reverse("reviews:review", args=[pk]),
    )


@login_required
def panel(request, pk):
    """Questions or a rejection from a panel member; the panel accredits only at a meeting (meeting_views)."""
    application = visible_application(request, pk)

    def decide(data, seen):
        if data["decision"] == "query":
            services.query_application(application_id=pk, by=request.user, questions=data["text"], expected_state=seen)
        else:
            services.reject_application(application_id=pk, by=request.user, reasons=data["text"], expected_state=seen)

    return action_page(
        request,
        application,
        action="application.accredit",
        form=PanelForm(request.POST or None),
        template="reviews/decision.html",
        extra={"heading": "Send questions or reject", "meetings_url": reverse("reviews:meetings")},
        perform=decide,
        confirmation=lambda data, decided: confirmations.panel(data["decision"], decided),
        done_url=reverse("reviews:review", args=[pk]),
    )


@login_required
def delegated(request, pk):
    """A delegated official accredits an application that meets the criteria, or refers it to the panel."""
    application = visible_application(request, pk)

    def decide(data, seen):
        if data["decision"] == "accredit":
            delegation.accredit_delegated(
                application_id=pk,
                by=request.user,
                ends_on=data["ends_on"],
                conditions=data["text"],
                expected_state=seen,
            )
        else:
            delegation.refer_to_panel(application_id=pk, by=request.user, reason=data["text"], expected_state=seen)

    return action_page(
        request,
        application,
        action="application.accredit_delegated",
        form=DelegatedDecisionForm(request.POST or None),
        template="reviews/delegated_decision.html",
        extra={"heading": "Accredit or refer to the panel", "assessment": assess(application)},
        perform=decide,
        confirmation=lambda data, decided: confirmations.delegated(data["decision"], decided),
        done_url=reverse("reviews:review", args=[pk]),
    )


@login_required
def close(request, pk):
    application = visible_application(request, pk)
    return action_page(
        request,
        application,
        action="application.close",
        form=CloseForm(request.POST or None),
        template="reviews/decision.html",
        extra={"heading": "Close the project"},
        perform=lambda data, seen: services.close_project(
            application_id=pk, by=request.user, reason=data["reason"], expected_state=seen
        ),
        confirmation=lambda data, closed: confirmations.close(closed),
        done_url=reverse("reviews:review", args=[pk]),
    )


@login_required
def review(request, pk):
    """Everything about an application, for staff, in one read-only page."""
    application = visible_application(request, pk)
    if not has_permission(request.user, "reviews.view_queue"):
        raise PermissionDenied
    department = department_of(request.user)
    team = selectors.team_for_application(request.user, application)
    context = detail_context(
        request,
        application,
        department=department,
        ethics_items=answers_for(application.ethics_self_assessment),
        notes=selectors.notes_for(request.user, application),
        team=team,
        colleagues=selectors.colleagues(team) if team else [],
        assignments=application.assignments.select_related("assignee"),
        # The checklist shows only while the application is at intake.
        intake_checks=(
            {c.item: c for c in application.intake_checks.select_related("ticked_by")}
            if application.state == State.RAS_CHECK
            else {}
        ),
        intake_items=IntakeItem,
    )
    # Reviewers see the form the application uses, compared with the good version before it; uploads that failed
    # their checks are listed but change nothing.
    forms = context["forms"]
    current = context["current_form"]
    passed = [form for form in forms if form.validation_status == form.Validation.PASSED and form.result]
    previous = next((form for form in passed if current and form.version < current.version), None)
    context |= {
        "requested": selectors.requested_tables(current, department.value if department else None),
        "difference": form_difference(current, previous),
        "result": current.result if current else None,
        "assessment": (
            assess(application, form=current, conditions=context["conditions"])
            if application.state == State.DELEGATED_REVIEW
            else None
        ),
    }
    return render(request, "reviews/review.html", context)
