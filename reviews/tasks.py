from celery import shared_task
from django.utils import timezone

from applications.errors import LifecycleError
from applications.models import Application
from applications.states import State
from leo_access.actors import SYSTEM

from .services import close_project


@shared_task(name="reviews.tasks.close_ended_projects", time_limit=600, soft_time_limit=540)
def close_ended_projects() -> int:
    """Close every project whose accreditation or end date has passed. Safe to run repeatedly."""
    today = timezone.localdate()
    due = Application.objects.filter(state=State.ACCESS_GRANTED, accreditation_ends_on__lt=today).values_list(
        "pk", flat=True
    )
    closed = 0
    for application_id in due:
        try:
            close_project(application_id=application_id, by=SYSTEM)
        except LifecycleError:
            continue  # someone else closed it meanwhile
        closed += 1
    return closed
