"""How long applications take and how many pass each stage: time in stage, throughput and the funnel.

Every figure is aggregated in the database: queries return one row per stage, bucket or month, so their number
and size do not grow with the applications. Stage times are read from `StageDuration`, which
`services.refresh_stage_times` keeps."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Q,
)
from django.db.models.functions import TruncMonth

from applications.models import Application, ApplicationEvent
from applications.states import State
from leo_access.permissions import submitted_q
from leo_access.roles import Department

from ..models import DEPARTMENT_DECISION_KINDS, StageDuration
from .periods import Period

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
        ("delegated_review", "Delegated review"),
        ("accredited", "Declarations"),
        ("end_to_end", "Submission to access granted"),
    ]
)
WHOLE_STAGES = ["ras_check", "department_review", "panel_review", "delegated_review", "accredited"]
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
# Approved by all departments: on to the panel or to a delegated official.
FUNNEL_REACHED = {State.PANEL_REVIEW: [State.PANEL_REVIEW, State.DELEGATED_REVIEW]}
THROUGHPUT = [
    ("submitted", "Submitted"),
    ("accredited", "Accredited"),
    ("rejected", "Rejected"),
    ("withdrawn", "Withdrawn"),
]


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


def durations_sql(applications: str) -> str:
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


@dataclass
class MonthRow:
    month: date
    counts: dict[str, int]


def throughput(period: Period) -> list[MonthRow]:
    """Applications submitted, accredited, rejected and withdrawn in each month of `period`: one query."""
    kinds = [kind for kind, _ in THROUGHPUT]
    grouped = (
        ApplicationEvent.objects.filter(
            submitted_q("application__"), kind__in=kinds, at__gte=period.since, at__lt=period.until
        )
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
    aggregates = {
        state.value: Count("application", filter=Q(to_state__in=FUNNEL_REACHED.get(state, [state])), distinct=True)
        for state, _ in FUNNEL
    }
    totals = ApplicationEvent.objects.filter(
        submitted_q("application__"),
        application__submitted_at__gte=period.since,
        application__submitted_at__lt=period.until,
    ).aggregate(**aggregates)
    return [(state.value, label, totals[state.value]) for state, label in FUNNEL]
