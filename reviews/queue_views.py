"""Queues, "My work", assignment and internal notes."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from applications import service_levels
from applications.errors import LifecycleError
from applications.selectors import overdue_conditions
from applications.views import visible_application
from leo_access.paging import page_number
from leo_access.permissions import has_permission
from leo_access.teams import Team, in_team, teams_of

from . import selectors, services
from .forms import AssignForm, QueueFilterForm

# Overdue conditions listed above a team's queue; more is a sign to chase them in bulk.
OVERDUE_CONDITIONS_SHOWN = 50


def _staff(request, action="reviews.view_queue"):
    if not has_permission(request.user, action):
        raise PermissionDenied


@login_required
def queues(request):
    _staff(request)
    teams = teams_of(request.user)
    if len(teams) == 1:
        return redirect("reviews:team_queue", team=teams[0].value)
    return render(request, "reviews/queues.html", {"teams": teams})


@login_required
def team_queue(request, team):
    _staff(request)
    try:
        team = Team(team)
    except ValueError:
        raise Http404("No such queue") from None
    if team not in teams_of(request.user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET or None)
    filters = form.filters()
    page = selectors.queue_page(team, request.user, filters, page_number(request.GET.get("page")))
    kept = {key: value for key, value in request.GET.items() if key in form.fields and value}
    context = {
        "form": form if form.is_bound else None,
        "team": team,
        "page": page,
        "count_limit": page.limit,
        "filters": filters,
        "querystring": urlencode(kept),
        "datasets": selectors.all_datasets(),
        "sorts": selectors.SORTS,
        "overdue_conditions": list(overdue_conditions(team.value, timezone.localdate())[:OVERDUE_CONDITIONS_SHOWN]),
    }
    return render(request, "reviews/team_queue.html", context)


@login_required
def my_work(request):
    _staff(request)
    applications = list(selectors.my_work(request.user)[:200])
    now = timezone.now()
    rows = [{"application": a, "days": service_levels.days_at_stage(a.stage_entered_at, now)} for a in applications]
    return render(request, "reviews/my_work.html", {"rows": rows})


@login_required
@require_POST
def assign(request, pk):
    application = visible_application(request, pk)
    team = selectors.team_for_application(request.user, application)
    if team is None or not has_permission(request.user, "reviews.assign", application):
        raise PermissionDenied
    form = AssignForm(request.POST)
    chosen = form.cleaned_data["assignee"] or request.user.pk if form.is_valid() else None
    assignee = get_user_model().objects.filter(pk=chosen).first() if chosen else None
    if assignee is None or not in_team(assignee, team):
        messages.error(request, "Choose someone in your team.")
    else:
        try:
            services.assign(application_id=application.pk, team=team, assignee=assignee, by=request.user)
        except LifecycleError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{application.reference} is assigned to {assignee}.")
    return redirect(reverse("reviews:review", args=[application.pk]))


@login_required
@require_POST
def add_note(request, pk):
    application = visible_application(request, pk)
    if not has_permission(request.user, "reviews.note", application):
        raise PermissionDenied
    try:
        services.add_internal_note(application_id=application.pk, by=request.user, text=request.POST.get("text", ""))
    except LifecycleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your note has been added. Applicants never see internal notes.")
    return redirect(reverse("reviews:review", args=[application.pk]) + "#notes")
