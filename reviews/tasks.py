from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from applications.errors import LifecycleError
from applications.models import Application
from applications.states import State
from leo_access.actors import SYSTEM

from .services import close_project


def closing_reason(application: Application, today) -> str:
    """Why the service closes a project: its end date is the last day of access, and no access outlasts the
    accreditation the panel gave."""
    if application.end_date and application.end_date < today:
        return f"The project's end date, {application.end_date:%-d %B %Y}, has passed."
    return f"The project's accreditation ended on {application.accreditation_ends_on:%-d %B %Y}."


@shared_task(name="reviews.tasks.close_ended_projects", time_limit=600, soft_time_limit=540)
def close_ended_projects() -> int:
    """Close every project whose end date or accreditation has passed. Safe to run repeatedly."""
    today = timezone.localdate()
    due = Application.objects.filter(
        Q(end_date__lt=today) | Q(accreditation_ends_on__lt=today), state=State.ACCESS_GRANTED
    ).only("pk", "end_date", "accreditation_ends_on")
    closed = 0
    for application in due:
        try:
            close_project(application_id=application.pk, by=SYSTEM, reason=closing_reason(application, today))
        except LifecycleError:
            continue  # someone else closed it meanwhile
        closed += 1
    return closed
