from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from applications.errors import LifecycleError, page_errors
from applications.selectors import application_for
from applications.views import action_page, detail_context
from declarations.services import grant_access
from leo_access.permissions import has_permission
from leo_access.roles import department_of

from . import selectors, services
from .forms import CloseForm, DepartmentForm, IntakeForm, PanelForm


def _visible(request, pk):
    application = application_for(request.user, pk)
    if application is None:
        raise Http404("No such application")
    return application


@login_required
def queue(request):
    if not has_permission(request.user, "reviews.view_queue"):
        raise PermissionDenied
    return render(request, "reviews/queue.html", {"rows": selectors.work_for(request.user)})


@login_required
def intake(request, pk):
    application = _visible(request, pk)

    def decide(data, seen):
        if data["decision"] == "pass":
            services.pass_intake(application_id=pk, by=request.user, comment=data["text"], expected_state=seen)
        elif data["decision"] == "query":
            services.query_application(application_id=pk, by=request.user, questions=data["text"], expected_state=seen)
        else:
            services.reject_application(application_id=pk, by=request.user, reasons=data["text"], expected_state=seen)

    return action_page(
        request,
        application,
        action="application.pass_intake",
        form=IntakeForm(request.POST or None),
        template="reviews/intake.html",
        perform=decide,
    )


@login_required
def department(request, pk):
    application = _visible(request, pk)
    own = department_of(request.user)

    def decide(data, seen):
        if data["decision"] == "query":
            services.query_application(application_id=pk, by=request.user, questions=data["text"], expected_state=seen)
        else:
            services.record_department_decision(
                application_id=pk,
                by=request.user,
                department=own,
                decision=data["decision"],
                reasons=data["text"],
                expected_state=seen,
            )

    return action_page(
        request,
        application,
        action="application.decide_department",
        form=DepartmentForm(request.POST or None),
        template="reviews/department.html",
        perform=decide,
    )


@login_required
def panel(request, pk):
    application = _visible(request, pk)

    def decide(data, seen):
        if data["decision"] == "accredit":
            services.accredit_application(
                application_id=pk,
                by=request.user,
                meeting_date=data["meeting_date"],
                members_present=data["members_present"],
                conditions=data["conditions"],
                ends_on=data["ends_on"],
                expected_state=seen,
            )
        elif data["decision"] == "query":
            services.query_application(application_id=pk, by=request.user, questions=data["text"], expected_state=seen)
        else:
            services.reject_application(application_id=pk, by=request.user, reasons=data["text"], expected_state=seen)

    return action_page(
        request,
        application,
        action="application.accredit",
        form=PanelForm(request.POST or None),
        template="reviews/panel.html",
        perform=decide,
    )


@login_required
@require_POST
def grant(request, pk):
    application = _visible(request, pk)
    if not has_permission(request.user, "application.grant_access", application):
        raise PermissionDenied
    try:
        grant_access(application_id=pk, by=request.user, expected_state=request.POST.get("expected_state"))
    except LifecycleError as error:
        application.refresh_from_db()
        context = detail_context(request, application, page_errors=page_errors(error))
        return render(request, "applications/detail.html", context, status=409)
    return redirect("applications:detail", pk=pk)


@login_required
def close(request, pk):
    application = _visible(request, pk)
    return action_page(
        request,
        application,
        action="application.close",
        form=CloseForm(request.POST or None),
        template="reviews/close.html",
        perform=lambda data, seen: services.close_project(
            application_id=pk, by=request.user, reason=data["reason"], expected_state=seen
        ),
    )
