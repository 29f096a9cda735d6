from celery import shared_task
from django.utils import timezone

from applications import service_levels
from applications.errors import LifecycleError
from applications.models import Application
from applications.states import State
from leo_access.actors import SYSTEM

from .services import close_project


def closing_reason(application: Application) -> str:
    """Why the service closes a project: its end date, the last day of access, has passed (ADR 0019)."""
    return f"The project's end date, {service_levels.project_ends_on(application):%-d %B %Y}, has passed."


@shared_task(name="reviews.tasks.close_ended_projects", time_limit=600, soft_time_limit=540)
def close_ended_projects() -> int:
    """Close every live project whose end date has passed. Safe to run repeatedly."""
    today = timezone.localdate()
    due = Application.objects.filter(service_levels.past_end_q(today), state=State.ACCESS_GRANTED).only(
        "pk", "end_date"
    )
    closed = 0
    for application in due:
        try:
            close_project(application_id=application.pk, by=SYSTEM, reason=closing_reason(application))
        except LifecycleError:
            continue  # someone else closed it meanwhile
        closed += 1
    return closed
