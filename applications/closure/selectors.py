"""Reads for closure: a project's outputs and return, and the returns the RAS waits for."""

from django.db.models import Count, QuerySet
from django.utils import timezone

from .. import service_levels
from ..models import ClosureReturn, ProjectOutput
from ..states import State


def today():
    return timezone.localdate()


def outputs_of(application) -> list[ProjectOutput]:
    return list(application.outputs.all())


def closure_return_of(application) -> ClosureReturn | None:
    return ClosureReturn.objects.filter(application=application).first()


def awaited_returns(*, overdue_only: bool = False, on=None) -> QuerySet[ClosureReturn]:
    """Returns of closed projects not yet sent, the longest overdue first, with what the list shows."""
    on = on or today()
    returns = ClosureReturn.objects.filter(submitted_at__isnull=True, application__state=State.CLOSED)
    if overdue_only:
        returns = returns.filter(service_levels.closure_return_overdue_q(on))
    return (
        returns.select_related("application")
        .annotate(outputs_added=Count("application__outputs"))
        .order_by("due_on", "application__reference")
    )


def overdue_return_count(on=None) -> int:
    return ClosureReturn.objects.filter(
        service_levels.closure_return_overdue_q(on or today()), application__state=State.CLOSED
    ).count()
