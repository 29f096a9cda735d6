"""Service levels: how long each stage may take, and when work at a stage is overdue.

The one definition of "overdue", read by the work queues, the reminders, the dashboard and the exports: work
is overdue once it has been at its stage for longer than the stage's service level (`STAGE_SLA_DAYS`), to the
second. An application 20 days and 1 second into a 20-day stage is overdue everywhere at once. Work waiting on
the applicant (queried) has no service level, so it is never overdue.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def limits() -> dict[str, int]:
    """Days each stage with a service level may take, by state."""
    return dict(settings.STAGE_SLA_DAYS)


def limit_for(state: str) -> int | None:
    return settings.STAGE_SLA_DAYS.get(state)


def overdue_before(state: str, now: datetime | None = None) -> datetime | None:
    """Work that entered `state` before this moment is overdue (None: the state has no service level)."""
    days = limit_for(state)
    if days is None:
        return None
    return (now or timezone.now()) - timedelta(days=days)


def is_overdue(state: str, stage_entered_at: datetime | None, now: datetime | None = None) -> bool:
    cutoff = overdue_before(state, now)
    return bool(cutoff is not None and stage_entered_at is not None and stage_entered_at < cutoff)


def overdue_in(state: str, now: datetime | None = None) -> Q:
    """Overdue applications at one stage (an empty condition for a stage without a service level)."""
    cutoff = overdue_before(state, now)
    if cutoff is None:
        return Q(pk__in=[])
    return Q(state=state, stage_entered_at__lt=cutoff)


def overdue_q(now: datetime | None = None) -> Q:
    """Overdue applications at any stage."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for state in settings.STAGE_SLA_DAYS:
        condition |= overdue_in(state, now)
    return condition


def days_at_stage(stage_entered_at: datetime | None, now: datetime | None = None) -> int:
    """Whole days at the current stage, as the pages show them."""
    if stage_entered_at is None:
        return 0
    return ((now or timezone.now()) - stage_entered_at).days


# Projects: when they end, and when their closure return is due ----------------------------------------------
#
# A project's end date is the one its applicant gave (`Application.end_date`): the last day of access. The
# project closes the day after it, whatever the accreditation end date the panel recorded (ADR 0019). The
# closing task, the warnings, members' access and the register's flags all read these.


def project_ends_on(application) -> date | None:
    """The last day of a project's access."""
    return application.end_date


def past_end_q(today: date) -> Q:
    """Projects whose last day has passed: they are due to close."""
    return Q(end_date__lt=today)


def ending_within_q(today: date, days: int) -> Q:
    """Projects whose last day is today or within `days` days."""
    return Q(end_date__gte=today, end_date__lte=today + timedelta(days=days))


def end_warnings() -> tuple[int, ...]:
    """Days before the end date the co-ordinator and the RAS are warned, widest first."""
    return tuple(sorted(settings.PROJECT_END_WARNING_DAYS, reverse=True))


def end_warning_due(ends_on: date, today: date) -> int | None:
    """The tightest warning the end date has reached (a late first run sends only that one), or None."""
    left = (ends_on - today).days
    reached = [days for days in end_warnings() if 0 <= left <= days]
    return min(reached) if reached else None


def closure_return_due_on(closed_on: date) -> date:
    return closed_on + timedelta(days=settings.CLOSURE_RETURN_DAYS)


def closure_return_overdue_q(today: date, prefix: str = "") -> Q:
    """Closure returns not sent by their due day (`prefix` reaches the return from a related row)."""
    return Q(**{f"{prefix}submitted_at__isnull": True, f"{prefix}due_on__lt": today})


def closure_return_overdue(closure_return, today: date) -> bool:
    return closure_return.submitted_at is None and closure_return.due_on < today
