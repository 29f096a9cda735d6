"""What admins and RAS officers see about every application: every figure is aggregated in the database.

Nothing here loads a row per application into Python; queries return one row per state, stage,
bucket or month, so the number of queries and their result size do not grow with the applications.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone

from applications.models import Application, ApplicationEvent, DepartmentReview, TeamMember, VariableRequestForm
from applications.states import State
from leo_access.models import ResearcherProfile
from leo_access.roles import Department

from .models import DEPARTMENT_DECISION_KINDS, StageDuration, StageDurationStale

# The stages whose time is measured, in the order an application meets them. Departments are
# measured separately because each decides on its own and the slowest one holds everybody up.
STAGE_TIMES = OrderedDict(
    [
        ("ras_check", "Intake check"),
        ("dfe", "DfE review"),
        ("hmrc", "HMRC review"),
        ("dwp", "DWP review"),
        ("department_review", "Department review (all three)"),
        ("panel_review", "Panel review"),
        ("accredited", "Declarations"),
        ("end_to_end", "Submission to access granted"),
    ]
)
WHOLE_STAGES = ["ras_check", "department_review", "panel_review", "accredited"]
# Buckets of days for the distribution chart: [lower, upper) in days.
DAY_BUCKETS = [(0, 7, "Under 7 days"), (7, 14, "7 to 13 days"), (14, 30, "14 to 29 days"), (30, 60, "30 to 59 days")]
LAST_BUCKET = (60, "60 days or more")
FUNNEL = [
    (State.RAS_CHECK, "Submitted"),
    (State.DEPARTMENT_REVIEW, "Passed intake"),
    (State.PANEL_REVIEW, "Approved by all departments"),
    (State.ACCREDITED, "Accredited"),
    (State.ACCESS_GRANTED, "Access granted"),
]
THROUGHPUT = [
    ("submitted", "Submitted"),
    ("accredited", "Accredited"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
]
REGISTER_STATES = [State.ACCREDITED, State.ACCESS_GRANTED, State.CLOSED]
ENDING_SOON_DAYS = 90


# Periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From the start of `start` to the end of `end`, both local dates."""

    start: date
    end: date

    @classmethod
    def last_months(cls, months: int = 12, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        first = date(today.year, today.month, 1)
        for _ in range(months - 1):
            first = (first - timedelta(days=1)).replace(day=1)
        return cls(first, today)

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def months(self) -> list[date]:
        months, month = [], date(self.start.year, self.start.month, 1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


# Counts ------------------------------------------------------------------------------------


@dataclass
class StateCount:
    state: str
    label: str
    count: int
    overdue: int | None


@dataclass
class DepartmentCount:
    department: str
    label: str
    pending: int
    approved: int
    rejected: int


def sla_cutoffs(now: datetime | None = None) -> dict[str, datetime]:
    """Entered a stage at or before its cut-off means overdue: more whole days there than the service level,
    as the work queues count it."""
    now = now or timezone.now()
    return {state: now - timedelta(days=days + 1) for state, days in settings.STAGE_SLA_DAYS.items()}


def overdue_q(now: datetime | None = None) -> Q:
    """Applications that have been at a stage with a service level for longer than it allows."""
    condition = Q(pk__in=[])
    for state, cutoff in sla_cutoffs(now).items():
        condition |= Q(state=state, stage_entered_at__lte=cutoff)
    return condition


def state_counts(now: datetime | None = None, flags: dict | None = None) -> list[StateCount]:
    """How many applications are in each state, and how many of them are overdue: one query.

    Given a dict as `flags`, the same query also fills it in as `register_flag_counts` would."""
    cutoffs = sla_cutoffs(now)
    aggregates = {f"n_{state}": Count("pk", filter=Q(state=state)) for state in State.values}
    aggregates |= {
        f"late_{state}": Count("pk", filter=Q(state=state, stage_entered_at__lte=cutoff))
        for state, cutoff in cutoffs.items()
    }
    if flags is not None:
        aggregates |= _flag_aggregates(
            timezone.localdate(now), within=Q(state__in=[State.ACCREDITED, State.ACCESS_GRANTED])
        )
    totals = Application.objects.aggregate(**aggregates)
    if flags is not None:
        flags.update({name: totals[name] for name in ("ending_soon", "past_end")})
    return [StateCount(state.value, state.label, totals[f"n_{state}"], totals.get(f"late_{state}")) for state in State]


def department_counts() -> list[DepartmentCount]:
    """Each department's current decisions on the applications now at department review: one query."""
    aggregates = {}
    for department in Department:
        for decision in DepartmentReview.Decision.values:
            aggregates[f"{department}_{decision}"] = Count("pk", filter=Q(department=department, decision=decision))
    totals = DepartmentReview.objects.filter(
        superseded_at__isnull=True, application__state=State.DEPARTMENT_REVIEW
    ).aggregate(**aggregates)
    return [
        DepartmentCount(
            department.value,
            department.label,
            totals[f"{department}_pending"],
            totals[f"{department}_approved"],
            totals[f"{department}_rejected"],
        )
        for department in Department
    ]


@dataclass
class OverdueRow:
    application: Application
    days_in_stage: int
    limit: int

    @property
    def days_over(self) -> int:
        return self.days_in_stage - self.limit


def overdue(limit: int = 50, now: datetime | None = None, total: int | None = None) -> tuple[int, list[OverdueRow]]:
    """The count of overdue applications (unless counted already: `total`) and the `limit` oldest of them."""
    now = now or timezone.now()
    queryset = Application.objects.filter(overdue_q(now))
    total = queryset.count() if total is None else total
    rows = [
        OverdueRow(application, (now - application.stage_entered_at).days, settings.STAGE_SLA_DAYS[application.state])
        for application in queryset.order_by("stage_entered_at", "reference").only(
            "pk", "reference", "title", "state", "stage_entered_at"
        )[:limit]
    ]
    return total, rows


# Time in stage ---------------------------------------------------------------------------------


@dataclass
class StageTime:
    stage: str
    label: str
    count: int = 0
    median: float | None = None
    p90: float | None = None
    buckets: list[int] = field(default_factory=list)
    sla: int | None = None


def _days(start: str, end: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"
    return f"(julianday({end}) - julianday({start}))"


def _json_text(column: str, key: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def _percentile(p: float) -> str:
    """Linear interpolation between the two nearest ranks, as PostgreSQL's percentile_cont does.

    Written with window functions rather than percentile_cont so that the same SQL also runs on
    SQLite (the embedded default), which has no ordered-set aggregates.
    """
    # In double precision, as the days are: numeric arithmetic on every row costs more than the sort.
    position = f"(1 + CAST({p} AS DOUBLE PRECISION) * (n - 1))"
    return (
        f"MAX(CASE WHEN rn <= {position} AND rn + 1 > {position} "
        f"THEN days + ({position} - rn) * (COALESCE(next_days, days) - days) END)"
    )


def _durations_sql(applications: str) -> str:
    """The CTEs that work out the finished stage times of the applications `applications` (SQL) selects.

    A visit to a stage runs from the change of state into it to the next change of state. Time spent
    queried is the applicant's, so it belongs to no stage; a stage visited again after a query adds up.
    Only stages an application has finished count, dated by when it last left them. Window functions
    only, no joins: one pass over those applications' events. Ends with the CTE `durations`
    (application_id, stage, days, finished_at).
    """
    event = ApplicationEvent._meta.db_table
    stages = ", ".join(f"'{stage}'" for stage in WHOLE_STAGES)
    kinds = ", ".join(f"'{kind}'" for kind in DEPARTMENT_DECISION_KINDS)
    department = _json_text("data", "department")
    decided = ", ".join(
        f"MAX(CASE WHEN kind IN ({kinds}) AND {department} = '{code}' "
        f"THEN at END) OVER (PARTITION BY application_id) AS {code}_at"
        for code in Department.values
    )
    carried = ", ".join(f"{code}_at" for code in Department.values)
    # Each department's time: the department review visits before its last decision, cut off at that decision.
    departments = "\n            UNION ALL ".join(
        f"""SELECT application_id, '{code}' AS stage, SUM({
            _days("entered_at", f"CASE WHEN left_at IS NULL OR left_at > {code}_at THEN {code}_at ELSE left_at END")
        }) AS days, MAX({code}_at) AS finished_at
            FROM visits WHERE stage = 'department_review' AND entered_at < {code}_at GROUP BY application_id"""  # noqa: S608
        for code in Department.values
    )
    return f"""
    marked AS (
        SELECT application_id, from_state, to_state, at, id, {decided}
        FROM {event}
        WHERE application_id IN ({applications}) AND (from_state <> to_state OR kind IN ({kinds}))
    ),
    visits AS (
        SELECT application_id, to_state AS stage, at AS entered_at, {carried},
               LEAD(at) OVER (PARTITION BY application_id ORDER BY at, id) AS left_at
        FROM marked WHERE from_state <> to_state
    ),
    whole_stages AS (
        SELECT application_id, stage, SUM({_days("entered_at", "left_at")}) AS days, MAX(left_at) AS finished_at
        FROM visits WHERE stage IN ({stages})
        GROUP BY application_id, stage
        HAVING COUNT(*) = COUNT(left_at)
    ),
    departments AS (
            {departments}
    ),
    durations AS (
        SELECT application_id, stage, days, finished_at FROM whole_stages
        UNION ALL SELECT application_id, stage, days, finished_at FROM departments
    )"""  # noqa: S608 - only table names and constants are interpolated


# Any constant will do: it only has to be the same for every process refreshing stage times.
_REFRESH_LOCK = 0x5354_4147  # "STAG"


def refresh_stage_times() -> None:
    """Work out again the stage times of the applications whose events changed since the last refresh.

    Each event that can change them marks its application in its own transaction (`StageDurationStale`), so a
    refresh sees an event exactly when it sees its mark. Refreshes take turns (an advisory lock on
    PostgreSQL; SQLite lets one writer in at a time), and each takes the marks, removes the application's old
    rows and writes the new ones as one unit, so no change is missed or counted twice.
    """
    stale = StageDurationStale._meta.db_table
    stored = StageDuration._meta.db_table
    columns = "application_id, stage, days, finished_at"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
            # One statement, so one snapshot: the marks it deletes are exactly those whose events it reads.
            cursor.execute(
                f"""WITH taken AS (DELETE FROM {stale} RETURNING application_id),
                cleared AS (DELETE FROM {stored} WHERE application_id IN (SELECT application_id FROM taken)),
                {_durations_sql("SELECT application_id FROM taken")}
                INSERT INTO {stored} ({columns}) SELECT {columns} FROM durations"""  # noqa: S608
            )
            return
        # SQLite: the first write takes the database's write lock, so nothing commits in between these.
        chosen = f"SELECT application_id FROM {stale}"  # noqa: S608
        cursor.execute(f"DELETE FROM {stored} WHERE application_id IN ({chosen})")  # noqa: S608
        cursor.execute(
            f"WITH {_durations_sql(chosen)} INSERT INTO {stored} ({columns}) SELECT {columns} FROM durations"  # noqa: S608
        )
        cursor.execute(f"DELETE FROM {stale}")  # noqa: S608


def stage_times_sql() -> str:
    """Count, percentiles and buckets per stage of the stage times finished in a period.

    Parameters: the period's start and end, twice (the stored stage times, then end to end). Each part is
    ranked on its own (their stages differ): the stored times are read in order from their index, unsorted.
    """
    application = Application._meta.db_table
    stored = StageDuration._meta.db_table
    buckets = ", ".join(
        f"SUM(CASE WHEN days >= {low} AND days < {high} THEN 1 ELSE 0 END)" for low, high, _ in DAY_BUCKETS
    )
    last = f"SUM(CASE WHEN days >= {LAST_BUCKET[0]} THEN 1 ELSE 0 END)"
    ranks = (
        "ROW_NUMBER() OVER ordered AS rn, COUNT(*) OVER (PARTITION BY stage) AS n, LEAD(days) OVER ordered AS next_days"
    )
    return f"""
    WITH end_to_end AS (
        SELECT 'end_to_end' AS stage, {_days("submitted_at", "access_granted_at")} AS days,
               access_granted_at AS finished_at
        FROM {application} WHERE submitted_at IS NOT NULL AND access_granted_at IS NOT NULL
    ),
    ranked AS (
        SELECT stage, days, {ranks} FROM {stored}
        WHERE finished_at >= %s AND finished_at < %s
        WINDOW ordered AS (PARTITION BY stage ORDER BY days)
        UNION ALL
        SELECT stage, days, {ranks} FROM end_to_end
        WHERE finished_at >= %s AND finished_at < %s
        WINDOW ordered AS (PARTITION BY stage ORDER BY days)
    )
    SELECT stage, COUNT(*), {_percentile(0.5)}, {_percentile(0.9)}, {buckets}, {last}
    FROM ranked GROUP BY stage
    """  # noqa: S608 - only table names and constants are interpolated; dates are parameters


def stage_times(period: Period) -> list[StageTime]:
    """Median, 90th percentile and distribution of days per stage, for stages finished in `period`."""
    refresh_stage_times()
    params = [connection.ops.adapt_datetimefield_value(moment) for moment in (period.since, period.until)]
    with connection.cursor() as cursor:
        cursor.execute(stage_times_sql(), params * 2)
        found = {row[0]: row for row in cursor.fetchall()}
    sla = settings.STAGE_SLA_DAYS
    results = []
    for stage, label in STAGE_TIMES.items():
        limit = sla.get("department_review") if stage in Department.values else sla.get(stage)
        row = found.get(stage)
        if row is None:
            results.append(StageTime(stage, label, buckets=[0] * (len(DAY_BUCKETS) + 1), sla=limit))
            continue
        results.append(
            StageTime(
                stage,
                label,
                count=row[1],
                median=_rounded(row[2]),
                p90=_rounded(row[3]),
                buckets=[int(value or 0) for value in row[4:]],
                sla=limit,
            )
        )
    return results


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 1)


def bucket_labels() -> list[str]:
    return [label for _, _, label in DAY_BUCKETS] + [LAST_BUCKET[1]]


# Throughput and funnel ---------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: date
    counts: dict[str, int]


def throughput(period: Period) -> list[MonthRow]:
    """Applications submitted, accredited, rejected and withdrawn in each month of `period`: one query."""
    kinds = [kind for kind, _ in THROUGHPUT]
    grouped = (
        ApplicationEvent.objects.filter(kind__in=kinds, at__gte=period.since, at__lt=period.until)
        .annotate(month=TruncMonth("at"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {}
    for row in grouped:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        found[(month, row["kind"])] = row["n"]
    return [MonthRow(month, {kind: found.get((month, kind), 0) for kind in kinds}) for month in period.months()]


def funnel(period: Period) -> list[tuple[str, str, int]]:
    """Of the applications first submitted in `period`, how many reached each stage: one query."""
    aggregates = {state.value: Count("application", filter=Q(to_state=state), distinct=True) for state, _ in FUNNEL}
    totals = ApplicationEvent.objects.filter(
        application__submitted_at__gte=period.since, application__submitted_at__lt=period.until
    ).aggregate(**aggregates)
    return [(state.value, label, totals[state.value]) for state, label in FUNNEL]


# Lists -----------------------------------------------------------------------------------------


def _coordinators():
    return TeamMember.objects.filter(
        application=OuterRef("pk"), role=TeamMember.Role.COORDINATOR, status=TeamMember.Status.ACCEPTED
    ).order_by("pk")


def _datasets_sql() -> str:
    """The datasets requested (yes or default variables) in an application's latest form, as one text."""
    form = VariableRequestForm._meta.db_table
    application = Application._meta.db_table
    latest = (
        f"(SELECT f2.id FROM {form} f2 WHERE f2.application_id = {application}.id ORDER BY f2.version DESC LIMIT 1)"  # noqa: S608
    )
    if connection.vendor == "postgresql":
        return (
            f"(SELECT string_agg(DISTINCT e.item ->> 'dataset', '; ' ORDER BY e.item ->> 'dataset') "  # noqa: S608
            f"FROM {form} f CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(f.result -> 'tables') "
            f"= 'array' THEN f.result -> 'tables' ELSE '[]'::jsonb END) AS e(item) "
            f"WHERE f.id = {latest} AND e.item ->> 'requested' IN ('yes', 'default'))"
        )
    return (
        f"(SELECT group_concat(dataset, '; ') FROM (SELECT DISTINCT json_extract(e.value, '$.dataset') AS dataset "  # noqa: S608
        f"FROM {form} f, json_each(f.result, '$.tables') e WHERE f.id = {latest} "
        f"AND json_extract(e.value, '$.requested') IN ('yes', 'default') ORDER BY 1))"
    )


def _has_dataset_sql() -> str:
    form = VariableRequestForm._meta.db_table
    application = Application._meta.db_table
    latest = (
        f"(SELECT f2.id FROM {form} f2 WHERE f2.application_id = {application}.id ORDER BY f2.version DESC LIMIT 1)"  # noqa: S608
    )
    if connection.vendor == "postgresql":
        return (
            f"EXISTS (SELECT 1 FROM {form} f CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN "  # noqa: S608
            f"jsonb_typeof(f.result -> 'tables') = 'array' THEN f.result -> 'tables' ELSE '[]'::jsonb END) AS e(item) "
            f"WHERE f.id = {latest} AND e.item ->> 'requested' IN ('yes', 'default') AND e.item ->> 'dataset' = %s)"
        )
    return (
        f"EXISTS (SELECT 1 FROM {form} f, json_each(f.result, '$.tables') e WHERE f.id = {latest} "  # noqa: S608
        f"AND json_extract(e.value, '$.requested') IN ('yes', 'default') AND json_extract(e.value, '$.dataset') = %s)"
    )


def with_people(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate the co-ordinator's name and organisation."""
    coordinators = _coordinators()
    return queryset.annotate(
        coordinator_name=Subquery(
            coordinators.annotate(
                name=Coalesce(NullIf(F("user__full_name"), Value("")), F("email"), output_field=CharField())
            ).values("name")[:1]
        ),
        organisation=Subquery(coordinators.values("user__researcher_profile__organisation")[:1]),
    )


@dataclass(frozen=True)
class ApplicationFilters:
    q: str = ""
    state: str = ""
    department: str = ""
    decision: str = ""
    overdue: bool = False
    submitted_from: date | None = None
    submitted_to: date | None = None


def applications(filters: ApplicationFilters, now: datetime | None = None) -> QuerySet[Application]:
    """Every application matching the filters, oldest at its stage first, with co-ordinator and organisation."""
    queryset = Application.objects.all()
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.department:
        reviews = DepartmentReview.objects.filter(
            application=OuterRef("pk"), department=filters.department, superseded_at__isnull=True
        )
        if filters.decision:
            reviews = reviews.filter(decision=filters.decision)
        queryset = queryset.filter(Exists(reviews))
    if filters.overdue:
        queryset = queryset.filter(overdue_q(now))
    if filters.submitted_from:
        queryset = queryset.filter(submitted_at__gte=Period(filters.submitted_from, filters.submitted_from).since)
    if filters.submitted_to:
        queryset = queryset.filter(submitted_at__lt=Period(filters.submitted_to, filters.submitted_to).until)
    queryset = with_people(queryset)
    if filters.q:
        queryset = queryset.filter(
            Q(reference__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(coordinator_name__icontains=filters.q)
            | Q(organisation__icontains=filters.q)
        )
    return queryset.order_by(F("stage_entered_at").asc(nulls_last=True), "reference")


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    dataset: str = ""
    organisation: str = ""
    state: str = ""
    flag: str = ""
    accredited_from: date | None = None
    accredited_to: date | None = None
    ends_from: date | None = None
    ends_to: date | None = None


def register(filters: RegisterFilters, today: date | None = None) -> QuerySet[Application]:
    """Every accredited project, with its datasets and flags for accreditation ending or ended."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=ENDING_SOON_DAYS)
    queryset = with_people(Application.objects.filter(state__in=REGISTER_STATES, accredited_at__isnull=False))
    queryset = queryset.annotate(
        datasets=RawSQL(_datasets_sql(), [], output_field=CharField()),  # noqa: S611
        flag=Case(
            When(~Q(state=State.CLOSED) & Q(accreditation_ends_on__lt=today), then=Value("past_end")),
            When(
                ~Q(state=State.CLOSED) & Q(accreditation_ends_on__gte=today, accreditation_ends_on__lte=soon),
                then=Value("ending_soon"),
            ),
            default=Value(""),
            output_field=CharField(),
        ),
    )
    if filters.dataset:
        queryset = queryset.annotate(
            has_dataset=RawSQL(_has_dataset_sql(), [filters.dataset], output_field=BooleanField())  # noqa: S611
        ).filter(has_dataset=True)
    if filters.organisation:
        queryset = queryset.filter(organisation=filters.organisation)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.flag:
        queryset = queryset.filter(flag=filters.flag)
    if filters.accredited_from:
        queryset = queryset.filter(accredited_at__gte=Period(filters.accredited_from, filters.accredited_from).since)
    if filters.accredited_to:
        queryset = queryset.filter(accredited_at__lt=Period(filters.accredited_to, filters.accredited_to).until)
    if filters.ends_from:
        queryset = queryset.filter(accreditation_ends_on__gte=filters.ends_from)
    if filters.ends_to:
        queryset = queryset.filter(accreditation_ends_on__lte=filters.ends_to)
    if filters.q:
        queryset = queryset.filter(
            Q(reference__icontains=filters.q)
            | Q(title__icontains=filters.q)
            | Q(coordinator_name__icontains=filters.q)
            | Q(organisation__icontains=filters.q)
        )
    return queryset.order_by("-accredited_at", "reference")


def _flag_aggregates(today: date, within: Q | None = None) -> dict[str, Count]:
    within = within or Q()
    soon = today + timedelta(days=ENDING_SOON_DAYS)
    return {
        "ending_soon": Count(
            "pk", filter=within & Q(accreditation_ends_on__gte=today, accreditation_ends_on__lte=soon)
        ),
        "past_end": Count("pk", filter=within & Q(accreditation_ends_on__lt=today)),
    }


def register_flag_counts(today: date | None = None) -> dict[str, int]:
    open_projects = Application.objects.filter(state__in=[State.ACCREDITED, State.ACCESS_GRANTED])
    return open_projects.aggregate(**_flag_aggregates(today or timezone.localdate()))


def organisations() -> list[str]:
    return list(
        ResearcherProfile.objects.exclude(organisation="")
        .order_by("organisation")
        .values_list("organisation", flat=True)
        .distinct()
    )


def dataset_names() -> list[str]:
    from applications.models import CatalogueDataset

    return list(CatalogueDataset.objects.order_by("name").values_list("name", flat=True).distinct())


# The dashboard -----------------------------------------------------------------------------------


def dashboard_figures(period: Period) -> dict:
    """Every figure on the dashboard, worked out now (the views keep them for a few minutes)."""
    # The state counts' query also counts the overdue applications and the register's flags.
    now, flags = timezone.now(), {}
    states = state_counts(now, flags=flags)
    overdue_total, overdue_rows = overdue(now=now, total=sum(row.overdue or 0 for row in states))
    return {
        "computed_at": now,
        "states": states,
        "departments": department_counts(),
        "overdue_total": overdue_total,
        "overdue_rows": overdue_rows,
        "times": stage_times(period),
        "months": throughput(period),
        "funnel": funnel(period),
        "flags": flags,
    }
