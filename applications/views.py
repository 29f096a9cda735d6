from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from leo_access.accredited_researchers import selectors as register_selectors
from leo_access.audit import services as audit
from leo_access.confirmation import confirm
from leo_access.permissions import has_permission, holds_current_stage
from leo_access.roles import department_of, is_staff_member

from . import selectors, service_levels, services
from .amendments import selectors as amendment_selectors
from .closure import selectors as closure_selectors
from .errors import InvalidInput, LifecycleError, NotPermitted, page_errors
from .ethics import answers_for
from .forms import NewApplicationForm, ResubmitForm, WithdrawForm
from .member_access.selectors import access_of
from .models import DepartmentReview, TeamMember
from .rules import SECTION_NAMES, submission_problems
from .section_forms import PUBLIC_BENEFIT_CATEGORIES
from .states import EXPLANATIONS, TAG_COLOURS, State


def visible_application(request, pk):
    """The application if this person may see it; otherwise 404, so its existence is not revealed.

    Every time a member of staff opens an application it is written to the audit log.
    """
    application = selectors.application_for(request.user, pk)
    if application is None:
        raise Http404("No such application")
    if is_staff_member(request.user):
        audit.record_application_opened(
            request=request,
            application=application,
            page=_page_name(request),
            outside_stage=not holds_current_stage(request.user, application),
        )
    return application


def _page_name(request) -> str:
    match = request.resolver_match
    return match.view_name if match else request.path


def _refuse(request, application, action):
    if not has_permission(request.user, action, application):
        raise PermissionDenied


@login_required
def application_list(request):
    if not has_permission(request.user, "application.list_own"):
        raise PermissionDenied
    rows = [
        {"application": application, "next_action": next_action(request.user, application)}
        for application in selectors.applications_for_member(request.user)
    ]
    context = {"rows": rows, "invitations": selectors.invitations_for(request.user)}
    return render(request, "applications/list.html", context)


def next_action(user, application) -> str:
    """What this person should do next, in a few words."""
    coordinator = application.is_coordinator(user)
    if application.state == State.DRAFT:
        return "Complete and submit the application" if coordinator else "Wait for the co-ordinator to submit"
    if application.state == State.QUERIED:
        return "Answer the questions and resubmit" if coordinator else "Wait for the co-ordinator to answer"
    if application.state == State.ACCREDITED:
        return "Sign your Individual Declaration"
    return "No action needed"


@login_required
def application_create(request):
    if not has_permission(request.user, "application.create"):
        raise PermissionDenied
    form = NewApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        application = services.create_application(title=form.cleaned_data["title"], by=request.user)
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/create.html", {"form": form})


# Where each task-list section is edited.
SECTION_LINKS = {
    "project": ("applications:section", "project"),
    "public_benefit": ("applications:section", "public-benefit"),
    "team": ("applications:team", None),
    "data": ("applications:data", None),
    "ethics": ("applications:section", "ethics"),
    "safeguards": ("applications:section", "safeguards"),
}


def section_url(application, key):
    name, slug = SECTION_LINKS[key]
    return reverse(name, args=[application.pk, slug] if slug else [application.pk])


def _for_staff(request, application, members):
    """Staff also see each member's check against the register of accredited researchers and their data access."""
    if not is_staff_member(request.user):
        return members
    # Open records first, so a member's current record wins over one that ended.
    records = reversed(access_of(application)) if application.accredited_at else []
    access = {record.user_id: record for record in records}
    for member in members:
        member.register_check = register_selectors.annotated_check(member)
        member.data_access = access.get(member.user_id)
    return members


def _conditions(application):
    # Conditions are set from department review on, so an application that has not reached it has none.
    if application.state in (State.DRAFT, State.RAS_CHECK):
        return []
    today = timezone.localdate()
    found = list(application.conditions.select_related("owner_member"))
    for condition in found:
        condition.overdue = condition.is_overdue(today)
    return found


def detail_context(request, application, **extra):
    """Everything the status page shows; staff pages reuse it."""
    queries = list(application.queries.select_related("raised_by", "answered_by"))
    members = application.team_members.select_related("user__researcher_profile")
    members = list(register_selectors.with_register(members) if is_staff_member(request.user) else members)
    forms = list(application.variable_request_forms.order_by("-version"))
    conditions = _conditions(application)
    department_reviews = list(selectors.current_department_reviews(application).select_related("decided_by"))
    own_department = department_of(request.user)
    own_review = next((r for r in department_reviews if r.department == own_department), None)
    statuses = selectors.section_statuses(application, members=members, forms=forms)
    closure_return = closure_selectors.closure_return_of(application) if application.state == State.CLOSED else None
    return {
        "application": application,
        "explanation": EXPLANATIONS[application.state],
        "tag_colour": TAG_COLOURS[application.state],
        "sections": [
            (section.value, SECTION_NAMES[section], status, section_url(application, section.value))
            for section, status in statuses.items()
        ],
        # A draft with nothing but its title gives nothing to copy.
        "worth_copying": application.state != State.DRAFT
        or len(members) > 1
        or bool(forms)
        or any(getattr(application, name) for name in services.COPIED_FIELDS if name != "title"),
        "may_edit": has_permission(request.user, "application.edit", application)
        and application.state in services.EDITABLE_STATES,
        "members": _for_staff(request, application, [m for m in members if m.status != TeamMember.Status.REMOVED]),
        "queries": queries,
        "open_query": next((q for q in reversed(queries) if q.answered_at is None), None),
        "department_reviews": department_reviews,
        "conditions": conditions,
        # The page says why access waits once every member has signed.
        "conditions_hold_access": application.state == State.ACCREDITED
        and any(c.timing == c.Timing.BEFORE_ACCESS and not c.is_settled for c in conditions),
        # A reviewer's own department's decision in this round: once recorded, it is shown instead of the form.
        "own_department_review": own_review,
        "own_department_decided": bool(own_review and own_review.decision != DepartmentReview.Decision.PENDING),
        "events": selectors.timeline(application),
        "forms": forms,
        # The version the application uses: a newer upload that failed its checks does not replace it.
        "current_form": selectors.current_of(forms),
        "is_staff_viewer": is_staff_member(request.user),
        "closure_return": closure_return,
        "closure_return_overdue": bool(
            closure_return and service_levels.closure_return_overdue(closure_return, timezone.localdate())
        ),
        "outputs": closure_selectors.outputs_of(application) if closure_return else [],
        "may_close_early": application.state == State.ACCESS_GRANTED
        and has_permission(request.user, "application.close_early", application),
        "versions": amendment_selectors.versions_of(application) if application.accredited_at else [],
        "Decision": DepartmentReview.Decision,
        "State": State,
        **extra,
    }


@login_required
def application_detail(request, pk):
    application = visible_application(request, pk)
    return render(request, "applications/detail.html", detail_context(request, application, review_link=True))


@login_required
@require_POST
def application_submit(request, pk):
    application = visible_application(request, pk)
    _refuse(request, application, "application.submit")
    try:
        services.submit_application(
            application_id=application.pk, by=request.user, expected_state=request.POST.get("expected_state")
        )
    except LifecycleError as error:
        context = check_context(request, application, page_errors=lost_to_another(application, error))
        return render(request, "applications/check.html", context, status=409)
    return redirect("applications:submitted", pk=application.pk)


def check_context(request, application, **extra):
    """Every answer, with what still stops submission at the top as an error summary linking to each gap."""
    problems = submission_problems(selectors.submission_facts(application), timezone.localdate())
    gaps = [
        {"text": problem.message, "href": section_url(application, problem.section) if problem.section else "#sections"}
        for problem in problems
    ]
    errors = extra.pop("page_errors", [])
    return detail_context(
        request,
        application,
        problems=problems,
        page_errors=errors + gaps,
        error_summary_title="You cannot submit yet" if gaps and not errors else "There is a problem",
        section_links=SECTION_LINKS,
        public_benefit_labels=dict(PUBLIC_BENEFIT_CATEGORIES),
        ethics_items=answers_for(application.ethics_self_assessment),
        **extra,
    )


@login_required
def check_answers(request, pk):
    application = visible_application(request, pk)
    _refuse(request, application, "application.edit")
    return render(request, "applications/check.html", check_context(request, application))


@login_required
def submitted(request, pk):
    application = visible_application(request, pk)
    return render(request, "applications/submitted.html", {"application": application})


@login_required
@require_POST
def application_copy(request, pk):
    application = visible_application(request, pk)
    _refuse(request, application, "application.copy")
    copy = services.copy_application(application_id=application.pk, by=request.user)
    messages.success(request, f"{copy.reference} is a new draft copied from {application.reference}.")
    return redirect("applications:detail", pk=copy.pk)


def lost_to_another(application, error: LifecycleError) -> list[dict]:
    """A decision the service refused because the application moved on (someone else decided first) or cannot
    take it: every decision page shows the application as it now is, with the reason in its error summary, and
    answers 409."""
    application.refresh_from_db()
    return page_errors(error)


def action_page(request, application, *, action, form, template, perform, done_url=None, extra=None, confirmation=None):
    """GET shows the form; POST runs the service and shows any domain error in the error summary.

    `confirmation(data, application)` gives the success banner's heading and what happens next, read from the
    application as the decision left it.
    """
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
            errors = lost_to_another(application, error)
        else:
            if confirmation:
                application.refresh_from_db()
                confirm(request, *confirmation(form.cleaned_data, application))
            return redirect(done_url or reverse("applications:detail", args=[application.pk]))
    context = detail_context(request, application, form=form, page_errors=errors, **(extra or {}))
    return render(request, template, context, status=409 if errors else 200)


@login_required
def application_withdraw(request, pk):
    application = visible_application(request, pk)
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
    application = visible_application(request, pk)
    return action_page(
        request,
        application,
        action="application.resubmit",
        form=ResubmitForm(request.POST or None),
        template="applications/resubmit.html",
        perform=lambda data, seen: services.resubmit_application(
            application_id=application.pk, by=request.user, answers=data["answers"], expected_state=seen
        ),
        confirmation=lambda data, resubmitted: (
            "Your answers have been sent",
            f"{resubmitted.reference} is back at the {resubmitted.get_state_display().lower()} stage. "
            "We will e-mail you when it moves on or if there are more questions.",
        ),
    )
