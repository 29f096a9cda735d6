"""What waits for each team, found with a fixed number of queries however many applications there are."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import Exact, IsNull
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from applications.models import Application, DepartmentReview, RequestedDataset, TeamMember, queue_stage
from applications.states import State
from leo_access.models import ResearcherProfile
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


def in_queue(team: Team, *, paging: bool = False) -> Q:
    """Applications at this team's stage, and those it sent back with questions.

    Written over `queue_stage()`, so that one index range holds the whole queue in the order it is worked.
    A department's queue also asks whether the department still has to decide: when counting, PostgreSQL
    reads the department's pending reviews once (a partial index) into a hash; when `paging`, it looks each
    row up as it walks the queue in order, as a page needs a few dozen rows, not the department's every review.
    """
    stage = STAGE_OF_TEAM[team]
    at_stage = Q(Exact(queue_stage(), stage))
    if team in DEPARTMENT_TEAMS:
        pending = DepartmentReview.objects.filter(
            department=DEPARTMENT_TEAMS[team],
            superseded_at__isnull=True,
            decision=DepartmentReview.Decision.PENDING,
        )
        if paging:
            # A scalar subquery, which PostgreSQL never turns into a hash.
            first = pending.filter(application=OuterRef("pk")).order_by().values("application_id")[:1]
            return at_stage & (Q(state=State.QUERIED) | Q(IsNull(Subquery(first), False)))
        return at_stage & (Q(state=State.QUERIED) | Q(pk__in=pending.values("application_id")))
    return at_stage


def _overdue_at(stage: str, now) -> Q:
    """`overdue_condition` within one queue: only work at the stage itself can be overdue."""
    days = settings.STAGE_SLA_DAYS.get(stage)
    if days is None:
        return Q(pk__in=[])
    return Q(state=stage, stage_entered_at__lt=now - timedelta(days=days))


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


def queue(team: Team, user, filters: QueueFilters, *, paging: bool = False) -> QuerySet[Application]:
    """The team's queue with the filters applied, in the order chosen; `paging`: written to be read a page at a
    time rather than counted (see `in_queue`), with the same rows in the same order."""
    team = Team(team)
    stage = STAGE_OF_TEAM[team]
    queryset = Application.objects.filter(in_queue(team, paging=paging))
    if filters.state == "waiting":
        queryset = queryset.filter(state=stage)
    elif filters.state == "queried":
        queryset = queryset.filter(state=State.QUERIED)
    if filters.dataset:
        queryset = queryset.filter(
            Exists(RequestedDataset.objects.filter(application=OuterRef("pk"), dataset=filters.dataset))
        )
    if filters.overdue:
        queryset = queryset.filter(_overdue_at(stage, timezone.now()))
    if filters.mine:
        queryset = queryset.filter(
            Exists(Assignment.objects.filter(application=OuterRef("pk"), team=team, assignee=user))
        )
    if filters.q.strip():
        term = filters.q.strip()
        # The people matching are found once, each through its own trigram index (PostgreSQL), rather than
        # by a search per application or a scan of every team member joined to their user.
        by_email = TeamMember.objects.filter(email__icontains=term).values("application_id")
        by_name = TeamMember.objects.filter(
            user__in=get_user_model().objects.filter(full_name__icontains=term).values("pk")
        ).values("application_id")
        queryset = queryset.filter(
            Q(reference__iexact=term) | Q(title__icontains=term) | Q(pk__in=by_email) | Q(pk__in=by_name)
        )
    return queryset.order_by(*_ordering(filters.sort))


class Queue:
    """A queue as Paginator uses it: counted with one form of its query, paged with the other (see `in_queue`)."""

    def __init__(self, team: Team, user, filters: QueueFilters):
        self.team, self.user, self.filters = team, user, filters

    def count(self) -> int:
        # The query's own SQL counted: the ORM's aggregation takes longer to build than PostgreSQL to count.
        sql, params = queue(self.team, self.user, self.filters).order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS queue", params)  # noqa: S608
            return cursor.fetchone()[0]

    def __getitem__(self, index):
        """The ids of a slice of the queue, as a query (for `page_rows`)."""
        return queue(self.team, self.user, self.filters, paging=True).values_list("pk", flat=True)[index]


def _ordering(sort: str) -> tuple[str, str]:
    """The sort's field, then the id in the same direction, so that each order is one of an index's."""
    field = SORTS.get(sort, SORTS["waiting"])[0]
    return field, "-pk" if field.startswith("-") else "pk"


@dataclass
class QueueRow:
    """What one row of a queue shows."""

    pk: uuid.UUID
    reference: str
    title: str
    state: str
    stage_entered_at: datetime | None
    coordinator_name: str | None
    coordinator_organisation: str | None
    assignee_name: str | None
    datasets: list[str] = field(default_factory=list)
    datasets_text: str = ""
    days: int = 0
    is_overdue: bool = False
    url: str = ""


def _page_rows_sql(inner: str, sort: str) -> str:
    """One query for a page: its applications with their co-ordinator, assignee and datasets.

    Written as SQL because the ORM spends longer building the row subqueries than the database spends
    running them. The page itself (`inner`, the ids of one page from `queue`) is the ORM's; the subqueries
    run for the page's rows only. A row per requested dataset (none: one row, with no dataset); the datasets are
    gathered in Python.
    """
    application = Application._meta.db_table
    member = TeamMember._meta.db_table
    user = get_user_model()._meta.db_table
    profile = ResearcherProfile._meta.db_table
    assignment = Assignment._meta.db_table
    requested = RequestedDataset._meta.db_table
    coordinator = (
        f"FROM {member} m {{join}} WHERE m.application_id = a.id AND m.role = '{TeamMember.Role.COORDINATOR}' "
        f"AND m.status = '{TeamMember.Status.ACCEPTED}' ORDER BY m.invited_at, m.id LIMIT 1"
    )
    name = "SELECT COALESCE(NULLIF(u.full_name, ''), m.email) " + coordinator.format(
        join=f"LEFT JOIN {user} u ON u.id = m.user_id"
    )
    organisation = "SELECT p.organisation " + coordinator.format(join=f"LEFT JOIN {profile} p ON p.user_id = m.user_id")
    assignee = (
        f"SELECT u.full_name FROM {assignment} s JOIN {user} u ON u.id = s.assignee_id "  # noqa: S608
        "WHERE s.application_id = a.id AND s.team = %s"
    )
    field, _ = _ordering(sort)
    column, direction = field.lstrip("-"), "DESC" if field.startswith("-") else "ASC"
    # The page's rows, each with its subqueries worked out once, then one row per requested dataset. The inner
    # query is ordered, so PostgreSQL keeps it whole rather than repeating the subqueries for each dataset.
    rows = (
        f"SELECT a.id, a.reference, a.title, a.state, a.stage_entered_at, ({name}) AS coordinator_name, "  # noqa: S608
        f"({organisation}) AS organisation, ({assignee}) AS assignee_name FROM {application} a "
        f"WHERE a.id IN ({inner}) ORDER BY a.{column} {direction}, a.id {direction}"
    )
    return (
        f"SELECT r.id, r.reference, r.title, r.state, r.stage_entered_at, r.coordinator_name, r.organisation, "  # noqa: S608
        f"r.assignee_name, d.dataset FROM ({rows}) r LEFT JOIN {requested} d ON d.application_id = r.id "
        f"ORDER BY r.{column} {direction}, r.id {direction}, d.dataset"
    )


def _aware(value):
    """A datetime from raw SQL as the ORM would give it (SQLite hands back naive UTC, or text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def page_rows(team: Team, page: QuerySet, sort: str, now=None) -> list[QueueRow]:
    """The rows of one page of a queue (`page`: the queue's ids, sliced to the page), in page order."""
    now = now or timezone.now()
    inner, params = page.query.sql_with_params()
    sql = _page_rows_sql(inner, sort)
    # Each row links to the review page; one reverse() for the page, not one per row.
    blank = uuid.UUID(int=0)
    review_url = reverse("reviews:review", args=[blank])
    sla = settings.STAGE_SLA_DAYS
    rows: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [Team(team).value, *params])
        for pk, reference, title, state, entered, name, organisation, assignee, dataset in cursor.fetchall():
            row = rows.get(pk)
            if row is None:
                entered = _aware(entered)
                key = pk if isinstance(pk, uuid.UUID) else uuid.UUID(pk)
                limit = sla.get(state)
                row = rows[pk] = QueueRow(
                    pk=key,
                    reference=reference,
                    title=title,
                    state=state,
                    stage_entered_at=entered,
                    coordinator_name=name or "",
                    coordinator_organisation=organisation,
                    assignee_name=assignee,
                    days=(now - entered).days if entered else 0,
                    # As `overdue_condition`.
                    is_overdue=bool(limit is not None and entered and entered < now - timedelta(days=limit)),
                    url=review_url.replace(str(blank), str(key)),
                )
            if dataset is not None:
                row.datasets.append(dataset)
    for row in rows.values():
        row.datasets_text = ", ".join(row.datasets)
    return list(rows.values())


def days_at_stage(application, now=None) -> int:
    now = now or timezone.now()
    return (now - application.stage_entered_at).days if application.stage_entered_at else 0


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
