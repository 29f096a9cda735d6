"""What admins and RAS officers see about every application, by what it serves: the dashboard, the lists, the
register and the statistics. Nothing here loads a row per application into Python, and nothing here writes."""

from .dashboard import (
    DepartmentCount,
    OverdueRow,
    StateCount,
    dashboard_figures,
    department_counts,
    overdue,
    state_counts,
)
from .lists import ApplicationFilters, applications, with_people
from .periods import Period
from .register import (
    ENDING_SOON_DAYS,
    REGISTER_STATES,
    RegisterFilters,
    dataset_names,
    organisations,
    register,
    register_flag_counts,
)
from .statistics import (
    DAY_BUCKETS,
    FUNNEL,
    LAST_BUCKET,
    STAGE_TIMES,
    THROUGHPUT,
    WHOLE_STAGES,
    MonthRow,
    StageTime,
    bucket_labels,
    durations_sql,
    funnel,
    stage_times,
    stage_times_sql,
    throughput,
)

__all__ = [
    "DAY_BUCKETS",
    "ENDING_SOON_DAYS",
    "FUNNEL",
    "LAST_BUCKET",
    "REGISTER_STATES",
    "STAGE_TIMES",
    "THROUGHPUT",
    "WHOLE_STAGES",
    "ApplicationFilters",
    "DepartmentCount",
    "MonthRow",
    "OverdueRow",
    "Period",
    "RegisterFilters",
    "StageTime",
    "StateCount",
    "applications",
    "bucket_labels",
    "dashboard_figures",
    "dataset_names",
    "department_counts",
    "durations_sql",
    "funnel",
    "organisations",
    "overdue",
    "register",
    "register_flag_counts",
    "stage_times",
    "stage_times_sql",
    "state_counts",
    "throughput",
    "with_people",
]
