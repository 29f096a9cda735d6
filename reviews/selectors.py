"""What waits for each team, found with a fixed number of queries however many applications there are."""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from applications import service_levels
from applications.models import Application, TeamMember, department_queue, joined, queue_stage, split
from applications.states import State
from leo_access.models import ResearcherProfile
from leo_access.permissions import has_permission, hidden_note_roles
from leo_access.roles import department_of
from leo_access.teams import DEPARTMENT_TEAMS, TEAM_STAGES, Team, teams_of

from .models import Assignment, InternalNote
from .queue_search import matching

SORTS = {
    "waiting": ("stage_entered_at", "Waiting longest"),
    "newest": ("-stage_entered_at", "Arrived most recently"),
    "reference": ("reference", "Reference"),
    "title": ("title", "Title"),
}
PAGE_SIZE = 25
# What an application's reference looks like (applications.services: LEO-2026-0042).
REFERENCE = re.compile(r"LEO-\d{4}-\d{4,}", re.IGNORECASE)
# A queue longer than this is counted no further: the page says "More than 500 applications" (20 pages).
COUNT_LIMIT = 500
# A search is counted no further than this: past four pages of matches, a person refines the search rather than
# reads on. A search for a common term (`queue_search.matching`) is counted no further than the page shown: each
# entry of the queue is checked as the walk reaches it, so counting on would cost many pages' walks.
SEARCH_COUNT_LIMIT = 100


def count_limit(filters: "QueueFilters", common: bool = False, number: int = 1) -> int:
    """How far the queue is counted: a search less far than the whole queue, a common term to the end of page
    `number` (the page says "more than" that many while there are more)."""
    if common:
        return PAGE_SIZE * max(1, number)
    return SEARCH_COUNT_LIMIT if filters.q else COUNT_LIMIT


@dataclass(frozen=True)
class QueueFilters:
    q: str = ""
    state: str = ""  # "waiting" (at the stage) or "queried" (waiting for the applicant)
    dataset: str = ""
    overdue: bool = False
    mine: bool = False
    sort: str = "waiting"


QUEUE_STATES = ("waiting", "queried")


def in_queue(team: Team) -> Q:
    """Applications at this team's stage, and those sent back from it with questions; for a department, only
    those it still has to decide. Written as the queue's indexes are (`queue_stage()`, `department_queue`), so
    that one range of an index holds the whole queue in the order it is worked, with what its filters read."""
    if team in DEPARTMENT_TEAMS:
        return department_queue(DEPARTMENT_TEAMS[team])
    return Q(Exact(queue_stage(), TEAM_STAGES[team]))


def _coordinator(field):
    return Subquery(
        TeamMember.objects.filter(
            application=OuterRef("pk"), role=TeamMember.Role.COORDINATOR, status=TeamMember.Status.ACCEPTED
        ).values(field)[:1]
    )


def queue(team: Team, user, filters: QueueFilters) -> QuerySet[Application]:
    """The team's queue with the filters applied, in the order chosen."""
    return searched_queue(team, user, filters)[0]


def searched_queue(team: Team, user, filters: QueueFilters) -> tuple[QuerySet[Application], bool]:
    """`queue`, and whether its search is for a common term (`queue_search.matching`)."""
    common = False
    team = Team(team)
    stage = TEAM_STAGES[team]
    queryset = Application.objects.filter(in_queue(team))
    if filters.state == "waiting":
        queryset = queryset.filter(state=stage)
    elif filters.state == "queried":
        queryset = queryset.filter(state=State.QUERIED)
    if filters.dataset:
        queryset = queryset.filter(requested_datasets__contains=joined([filters.dataset]))
    if filters.overdue:
        queryset = queryset.filter(service_levels.overdue_in(stage))
    if filters.mine:
        queryset = queryset.filter(
            Exists(Assignment.objects.filter(application=OuterRef("pk"), team=team, assignee=user))
        )
    if filters.q.strip():
        term = filters.q.strip()
        if REFERENCE.fullmatch(term):
            # A reference is looked up in its own unique index, not searched for in every title of the queue.
            queryset = queryset.filter(reference=term.upper())
        else:
            condition, common = matching(term)
            queryset = queryset.filter(condition)
    return queryset.order_by(*ordering(filters.sort)), common


def _counted(selected: str, limit: int) -> str:
    """SQL counting the rows of the query `selected`, no further than `limit`: a queue of thousands costs what one
    of a thousand does. Its own SQL rather than the ORM's aggregation, which takes longer to build than
    PostgreSQL takes to count."""
    return f"SELECT COUNT(*) FROM ({selected} LIMIT {limit}) AS counted"  # noqa: S608


def count_up_to(queryset: QuerySet, limit: int) -> int:
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a search that matched no application
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_counted(sql, limit), params)
        return cursor.fetchone()[0]


def ordering(sort: str) -> tuple[str, str]:
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
    datasets_text: str = ""
    coordinator_name: str = ""
    coordinator_organisation: str | None = None
    assignee_name: str | None = None
    days: int = 0
    is_overdue: bool = False
    url: str = ""


@dataclass
class QueuePage:
    """One page of a queue: its rows, and how many match, counted up to COUNT_LIMIT."""

    number: int
    rows: list[QueueRow]
    count: int
    has_next: bool
    # False when counting stopped at limit + 1.
    exact: bool = True
    # How far it was counted (`count_limit`).
    limit: int = COUNT_LIMIT

    @property
    def more(self) -> bool:
        """More match than were counted: the page says "more than" its limit."""
        return not self.exact

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def last(self) -> int | None:
        """The last page's number, when the count is exact."""
        return max(1, -(-self.count // PAGE_SIZE)) if self.exact else None


def queue_page(team: Team, user, filters: QueueFilters, number: int = 1, now=None) -> QueuePage:
    """The page of the queue the person asked for, with how many match: one query, or, for a page past the
    end, up to two more to find the last page and read it."""
    team = Team(team)
    queryset, common = searched_queue(team, user, filters)
    limit = count_limit(filters, common, number)
    rows, count = _page(team, queryset, filters.sort, number, now, limit)
    exact = len(rows) <= PAGE_SIZE or count <= limit
    if not rows and number > 1:
        count = count_up_to(queryset, limit + 1)
        exact = count <= limit
        if count and exact and number > (last := -(-count // PAGE_SIZE)):
            number = last
            rows, count = _page(team, queryset, filters.sort, number, now, limit)
    return QueuePage(
        number=number, rows=rows[:PAGE_SIZE], count=count, has_next=len(rows) > PAGE_SIZE, exact=exact, limit=limit
    )


def _page(team: Team, queryset: QuerySet, sort: str, number: int, now, limit: int) -> tuple[list[QueueRow], int]:
    """The rows of a page (and the first of the next, to know there is one), each with its co-ordinator, their
    organisation and its assignee, and how many match, in one query: counted up to `limit` + 1 when the page
    is full, else exactly, from the page itself.

    Written as SQL because the ORM spends longer building the row subqueries than the database spends
    running them. The queue's own condition is the ORM's; the subqueries run for the page's rows only.
    """
    now = now or timezone.now()
    fields = ("pk", "reference", "title", "state", "stage_entered_at", "requested_datasets")
    # The queue's SQL is built once and ordered, limited and counted around it: the ORM takes longer to build a
    # search's query than PostgreSQL takes to run it.
    try:
        selected, params = queryset.order_by().values_list(*fields).query.sql_with_params()
    except EmptyResultSet:  # a search that matched no application
        return [], 0
    field, _ = ordering(sort)
    column, direction = field.lstrip("-"), "DESC" if field.startswith("-") else "ASC"
    table, quote = Application._meta.db_table, connection.ops.quote_name
    order = f"{quote(table)}.{quote(column)} {direction}, {quote(table)}.{quote('id')} {direction}"
    page = f"{selected} ORDER BY {order} LIMIT {PAGE_SIZE + 1} OFFSET {(number - 1) * PAGE_SIZE}"
    counted = _counted(selected, limit + 1)
    member = TeamMember._meta.db_table
    user = get_user_model()._meta.db_table
    profile = ResearcherProfile._meta.db_table
    assignment = Assignment._meta.db_table
    coordinator = (
        f"FROM {member} m {{join}} WHERE m.application_id = p.pk AND m.role = '{TeamMember.Role.COORDINATOR}' "
        f"AND m.status = '{TeamMember.Status.ACCEPTED}' ORDER BY m.invited_at, m.id LIMIT 1"
    )
    name = "SELECT COALESCE(NULLIF(u.full_name, ''), m.email) " + coordinator.format(
        join=f"LEFT JOIN {user} u ON u.id = m.user_id"
    )
    organisation = "SELECT r.organisation " + coordinator.format(join=f"LEFT JOIN {profile} r ON r.user_id = m.user_id")
    assignee = (
        f"SELECT u.full_name FROM {assignment} s JOIN {user} u ON u.id = s.assignee_id "  # noqa: S608
        "WHERE s.application_id = p.pk AND s.team = %s"
    )
    sql = (
        # The queue is counted only when the page is full: a shorter page is the last, and says how many there are.
        f"SELECT p.*, ({name}), ({organisation}), ({assignee}), "  # noqa: S608
        f"CASE WHEN COUNT(*) OVER () > {PAGE_SIZE} THEN ({counted}) END FROM ({page}) AS p "
        f"ORDER BY p.{column} {direction}, p.pk {direction}"
    )
    # Each row links to the review page, with one reverse() for the page.
    blank = uuid.UUID(int=0)
    review_url = reverse("reviews:review", args=[blank])
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [team.value, *params, *params])
        found = cursor.fetchall()
    for pk, reference, title, state, entered, datasets, coordinator_name, organisation, assignee, _ in found:
        pk = pk if isinstance(pk, uuid.UUID) else uuid.UUID(pk)
        entered = _aware(entered)
        rows.append(
            QueueRow(
                pk=pk,
                reference=reference,
                title=title,
                state=state,
                stage_entered_at=entered,
                datasets_text=", ".join(split(datasets)),
                coordinator_name=coordinator_name or "",
                coordinator_organisation=organisation,
                assignee_name=assignee,
                days=service_levels.days_at_stage(entered, now),
                is_overdue=service_levels.is_overdue(state, entered, now),
                url=review_url.replace(str(blank), str(pk)),
            )
        )
    if len(found) > PAGE_SIZE:
        return rows, found[0][-1]
    return rows, (number - 1) * PAGE_SIZE + len(found)


def _aware(value):
    """A datetime from raw SQL as the ORM would give it (SQLite hands back text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


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
        if TEAM_STAGES[team] == stage and (team not in DEPARTMENT_TEAMS or department_of(user) == team.value):
            return team
    return None


def colleagues(team: Team):
    from django.contrib.auth import get_user_model

    from leo_access.teams import TEAM_ROLES

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


def notes_for(user, application) -> QuerySet[InternalNote]:
    """The internal notes on an application this person may read (`permissions.may_read_note`): a department's
    notes for that department, RAS and admins; other staff notes for every member of staff; none for anyone else.
    """
    hidden = hidden_note_roles(user)
    if hidden is None or not has_permission(user, "application.view", application):
        return InternalNote.objects.none()
    return application.internal_notes.exclude(author_role__in=hidden).select_related("author")
