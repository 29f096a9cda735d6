from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from leo_access.permissions import has_permission

from . import selectors, services
from .errors import InvalidInput, LifecycleError, NotPermitted, page_errors
from .forms import NewApplicationForm, ResubmitForm, WithdrawForm
from .models import DepartmentReview
from .rules import SECTION_NAMES
from .states import EXPLANATIONS, TAG_COLOURS, State


def _visible(request, pk):
    application = selectors.application_for(request.user, pk)
    if application is None:
        raise Http404("No such application")
    return application


def _refuse(request, application, action):
    if not has_permission(request.user, action, application):
        raise PermissionDenied


@login_required
def application_list(request):
    if not has_permission(request.user, "application.list_own"):
        raise PermissionDenied
    applications = selectors.applications_for_member(request.user)
    return render(request, "applications/list.html", {"applications": applications, "tag_colours": TAG_COLOURS})


@login_required
def application_create(request):
    if not has_permission(request.user, "application.create"):
        raise PermissionDenied
    form = NewApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        application = services.create_application(title=form.cleaned_data["title"], by=request.user)
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/create.html", {"form": form})


def detail_context(request, application, **extra):
    """Everything the status page shows; staff pages reuse it."""
    queries = list(application.queries.select_related("raised_by", "answered_by"))
    return {
        "application": application,
        "explanation": EXPLANATIONS[application.state],
        "tag_colour": TAG_COLOURS[application.state],
        "sections": [
            (section.value, SECTION_NAMES[section], status)
            for section, status in selectors.section_statuses(application).items()
        ],
        "members": application.team_members.select_related("user__researcher_profile").exclude(status="removed"),
        "queries": queries,
        "open_query": next((q for q in reversed(queries) if q.answered_at is None), None),
        "department_reviews": selectors.current_department_reviews(application),
        "events": selectors.timeline(application),
        "latest_form": selectors.latest_form(application),
        "is_staff_viewer": selectors.is_staff_viewer(request.user),
        "Decision": DepartmentReview.Decision,
        "State": State,
        **extra,
    }


@login_required
def application_detail(request, pk):
    application = _visible(request, pk)
    return render(request, "applications/detail.html", detail_context(request, application))


@login_required
@require_POST
def application_submit(request, pk):
    application = _visible(request, pk)
    _refuse(request, application, "application.submit")
    try:
        services.submit_application(
            application_id=application.pk, by=request.user, expected_state=request.POST.get("expected_state")
        )
    except LifecycleError as error:
        application.refresh_from_db()
        context = detail_context(request, application, page_errors=page_errors(error))
        return render(request, "applications/detail.html", context, status=409)
    return redirect("applications:detail", pk=application.pk)


def action_page(request, application, *, action, form, template, perform):
    """GET shows the form; POST runs the service and shows any domain error in the error summary."""
    _refuse(request, application, action)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data, request.POST.get("expected_state"))
        except InvalidInput as error:
            form.add_error(None, error.message)
        except NotPermitted as error:
            raise PermissionDenied from error
        except LifecycleError as error:
            application.refresh_from_db()
            errors = page_errors(error)
        else:
            return redirect("applications:detail", pk=application.pk)
    context = detail_context(request, application, form=form, page_errors=errors)
    return render(request, template, context, status=409 if errors else 200)


@login_required
def application_withdraw(request, pk):
    application = _visible(request, pk)
    return action_page(
        request,
        application,
        action="application.withdraw",
        form=WithdrawForm(request.POST or None),
        template="applications/withdraw.html",
        perform=lambda data, seen: services.withdraw_application(
            application_id=application.pk, by=request.user, reason=data["reason"], expected_state=seen
        ),
    )


@login_required
def application_resubmit(request, pk):
    application = _visible(request, pk)
    return action_page(
        request,
        application,
        action="application.resubmit",
        form=ResubmitForm(request.POST or None),
        template="applications/resubmit.html",
        perform=lambda data, seen: services.resubmit_application(
            application_id=application.pk, by=request.user, answers=data["answers"], expected_state=seen
        ),
    )
