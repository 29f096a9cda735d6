"""The dashboard's figures: applications by state, department decisions, what is overdue, and the period's
statistics. Each is one aggregate query."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Count,
    Q,
)
from django.utils import timezone

from applications import service_levels
from applications.closure.selectors import overdue_return_count
from applications.models import Application, DepartmentReview
from applications.selectors import all_overdue_conditions, overdue_condition_counts, submitted_applications
from applications.states import SUBMITTED_STATES, State
from leo_access.permissions import submitted_q
from leo_access.roles import Department
from leo_access.teams import Team

from ..models import DashboardSnapshot
from .periods import Period
from .register import register_flag_counts
from .statistics import funnel, stage_times, throughput


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


def state_counts(now: datetime | None = None) -> list[StateCount]:
    """How many submitted applications are in each state, and how many of them are overdue: one query."""
    now = now or timezone.now()
    aggregates = {f"n_{state}": Count("pk", filter=Q(state=state)) for state in SUBMITTED_STATES}
    aggregates |= {
        f"late_{state}": Count("pk", filter=service_levels.overdue_in(state, now)) for state in service_levels.limits()
    }
    totals = submitted_applications().aggregate(**aggregates)
    return [
        StateCount(state.value, state.label, totals[f"n_{state}"], totals.get(f"late_{state}"))
        for state in SUBMITTED_STATES
    ]


def department_counts() -> list[DepartmentCount]:
    """Each department's current decisions on the applications now at department review: one query."""
    aggregates = {}
    for department in Department:
        for decision in DepartmentReview.Decision.values:
            aggregates[f"{department}_{decision}"] = Count("pk", filter=Q(department=department, decision=decision))
    totals = DepartmentReview.objects.filter(
        submitted_q("application__"), superseded_at__isnull=True, application__state=State.DEPARTMENT_REVIEW
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


def overdue(limit: int = 50, now: datetime | None = None) -> tuple[int, list[OverdueRow]]:
    """The count of overdue applications and the `limit` oldest of them."""
    now = now or timezone.now()
    queryset = submitted_applications().filter(service_levels.overdue_q(now))
    total = queryset.count()
    rows = [
        OverdueRow(
            application,
            service_levels.days_at_stage(application.stage_entered_at, now),
            service_levels.limit_for(application.state),
        )
        for application in queryset.order_by("stage_entered_at", "reference").only(
            "pk", "reference", "title", "state", "stage_entered_at"
        )[:limit]
    ]
    return total, rows


@dataclass
class TeamConditions:
    team: str
    label: str
    overdue: int


def overdue_conditions(limit: int = 20, today=None) -> tuple[int, list[TeamConditions], list]:
    """How many approval conditions are overdue, how many each staff team chases, and the `limit` longest
    overdue: two queries."""
    today = today or timezone.localdate()
    counts = overdue_condition_counts(Team.values, today)
    teams = [TeamConditions(team.value, team.label, counts[team.value]) for team in Team]
    return counts["total"], teams, list(all_overdue_conditions(today)[:limit])


def dashboard_figures(period: Period) -> dict:
    """Every figure on the dashboard, worked out now (the views keep them for a few minutes)."""
    overdue_total, overdue_rows = overdue()
    conditions_total, condition_teams, condition_rows = overdue_conditions()
    return {
        "computed_at": timezone.now(),
        "states": state_counts(),
        "departments": department_counts(),
        "overdue_total": overdue_total,
        "overdue_rows": overdue_rows,
        "times": stage_times(period),
        "months": throughput(period),
        "funnel": funnel(period),
        "flags": register_flag_counts(),
        "closure_returns_overdue": overdue_return_count(),
        "overdue_conditions_total": conditions_total,
        "overdue_condition_teams": condition_teams,
        "overdue_condition_rows": condition_rows,
    }


def stored_dashboard(period: Period) -> DashboardSnapshot | None:
    """The dashboard the worker last stored for this period, if any: one query on its unique index."""
    return DashboardSnapshot.objects.filter(period_start=period.start, period_end=period.end).first()
