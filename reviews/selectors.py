"""What waits for each team, found with a fixed number of queries however many applications there are."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from applications.models import Application, DepartmentReview, RequestedDataset, TeamMember
from applications.states import State
from leo_access.roles import department_of

from .models import Assignment, Team
from .teams import DEPARTMENT_TEAMS, teams_of

STAGE_OF_TEAM = {
    Team.INTAKE: State.RAS_CHECK,
    Team.DFE: State.DEPARTMENT_REVIEW,
    Team.HMRC: State.DEPARTMENT_REVIEW,
    Team.DWP: State.DEPARTMENT_REVIEW,
    Team.PANEL: State.PANEL_REVIEW,
}
SORTS = {
    "waiting": ("stage_entered_at", "Waiting longest"),
    "newest": ("-stage_entered_at", "Arrived most recently"),
    "reference": ("reference", "Reference"),
    "title": ("title", "Title"),
}
PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueFilters:
    q: str = ""
    state: str = ""  # "waiting" (at the stage) or "queried" (waiting for the applicant)
    dataset: str = ""
    overdue: bool = False
    mine: bool = False
    sort: str = "waiting"


def in_queue(team: Team) -> Q:
    """Applications at this team's stage, and those it sent back with questions."""
    stage = STAGE_OF_TEAM[team]
    waiting = Q(state=stage)
    if team in DEPARTMENT_TEAMS:
        pending = DepartmentReview.objects.filter(
            application=OuterRef("pk"),
            department=DEPARTMENT_TEAMS[team],
            superseded_at__isnull=True,
            decision=DepartmentReview.Decision.PENDING,
        )
        waiting &= Exists(pending)
    return waiting | Q(state=State.QUERIED, queried_from=stage)


def overdue_condition(now=None) -> Q:
    """At a stage longer than its SLA allows (work waiting on the applicant is not overdue)."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for state, days in settings.STAGE_SLA_DAYS.items():
        condition |= Q(state=state, stage_entered_at__lt=now - timedelta(days=days))
    return condition


def _coordinator(field):
    return Subquery(
        TeamMember.objects.filter(
            application=OuterRef("pk"), role=TeamMember.Role.COORDINATOR, status=TeamMember.Status.ACCEPTED
        ).values(field)[:1]
    )


def queue(team: Team, user, filters: QueueFilters) -> QuerySet[Application]:
    team = Team(team)
    queryset = Application.objects.filter(in_queue(team))
    if filters.state == "waiting":
        queryset = queryset.exclude(state=State.QUERIED)
    elif filters.state == "queried":
        queryset = queryset.filter(state=State.QUERIED)
    if filters.dataset:
        queryset = queryset.filter(
            Exists(RequestedDataset.objects.filter(application=OuterRef("pk"), dataset=filters.dataset))
        )
    if filters.overdue:
        queryset = queryset.filter(overdue_condition())
    if filters.mine:
        queryset = queryset.filter(
            Exists(Assignment.objects.filter(application=OuterRef("pk"), team=team, assignee=user))
        )
    if filters.q.strip():
        term = filters.q.strip()
        # One pass over the team members, rather than a search per application.
        people = TeamMember.objects.filter(Q(email__icontains=term) | Q(user__full_name__icontains=term))
        queryset = queryset.filter(
            Q(reference__iexact=term) | Q(title__icontains=term) | Q(pk__in=people.values("application_id"))
        )
    return queryset.order_by(SORTS.get(filters.sort, SORTS["waiting"])[0], "pk")


def queue_rows(team: Team, page_ids: list) -> list[Application]:
    """The applications of one page, in page order, with what a row shows.

    Kept apart from `queue` because PostgreSQL works out the columns of every matching row before it
    sorts and cuts the page: the row subqueries must only run for the page itself.
    """
    rows = Application.objects.filter(pk__in=page_ids).annotate(
        coordinator_name=Coalesce(
            NullIf(_coordinator("user__full_name"), Value("")), _coordinator("email"), output_field=CharField()
        ),
        coordinator_organisation=_coordinator("user__researcher_profile__organisation"),
        assignee_name=Subquery(
            Assignment.objects.filter(application=OuterRef("pk"), team=Team(team)).values("assignee__full_name")[:1]
        ),
        is_overdue=Case(When(overdue_condition(), then=Value(True)), default=Value(False), output_field=BooleanField()),
    )
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in page_ids if pk in by_id]


def days_at_stage(application, now=None) -> int:
    now = now or timezone.now()
    return (now - application.stage_entered_at).days if application.stage_entered_at else 0


def datasets_by_application(applications) -> dict:
    rows = RequestedDataset.objects.filter(application__in=applications).values_list("application_id", "dataset")
    found: dict = {}
    for application_id, dataset in rows:
        found.setdefault(application_id, []).append(dataset)
    return found


def all_datasets() -> list[str]:
    """The datasets the catalogues offer (a handful of rows, where the requests are hundreds of thousands)."""
    from applications.models import CatalogueDataset

    return list(CatalogueDataset.objects.order_by("name").values_list("name", flat=True).distinct())


def my_work(user) -> QuerySet[Application]:
    """What is assigned to this person, in the queues of the teams they belong to, still at that stage."""
    teams = teams_of(user)
    condition = Q(pk__in=[])
    for team in teams:
        condition |= in_queue(team) & Exists(
            Assignment.objects.filter(application=OuterRef("pk"), team=team, assignee=user)
        )
    return (
        Application.objects.filter(condition)
        .annotate(
            coordinator_name=Coalesce(
                NullIf(_coordinator("user__full_name"), Value("")), _coordinator("email"), output_field=CharField()
            )
        )
        .order_by("stage_entered_at", "pk")
    )


def team_for_application(user, application) -> Team | None:
    """The team through which this person acts on the application at its current stage."""
    stage = application.queried_from if application.state == State.QUERIED else application.state
    for team in teams_of(user):
        if STAGE_OF_TEAM[team] == stage and (team not in DEPARTMENT_TEAMS or department_of(user) == team.value):
            return team
    return None


def colleagues(team: Team):
    from django.contrib.auth import get_user_model

    from .teams import TEAM_ROLES

    names = [role.value for role in TEAM_ROLES[Team(team)]]
    return get_user_model().objects.filter(is_active=True, groups__name__in=names).order_by("full_name").distinct()


def requested_tables(form, department: str | None) -> list[dict]:
    """The tables the form requests, with the department holding each; the viewer's department's first."""
    from applications.models import CatalogueTable

    if not form or not form.result:
        return []
    result = form.result
    owners = dict(
        CatalogueTable.objects.filter(catalogue__form_version=result.get("form_version") or "").values_list(
            "name", "owner"
        )
    )
    counts: dict = {}
    for variable in result.get("variables", []):
        counts[variable["table"]] = counts.get(variable["table"], 0) + 1
    rows = [
        {
            **table,
            "owner": owners.get(table["table"], ""),
            "variables": counts.get(table["table"], 0),
            "own": bool(department) and owners.get(table["table"]) == department,
        }
        for table in result.get("tables", [])
        if table["requested"] in ("yes", "default")
    ]
    return sorted(rows, key=lambda row: not row["own"])
