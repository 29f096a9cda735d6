import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from leo_access.queueing import queue_each, queue_once

logger = logging.getLogger(__name__)

# A form still waiting this long after its upload was most likely never queued (the broker was down when it was
# uploaded). Before that, its message may simply be waiting behind others.
UNCHECKED_AFTER = timedelta(minutes=5)
# Forms queued per sweep; the rest wait for the next one, so a sweep stays within its time limit.
SWEEP_BATCH = 500


@shared_task(
    name="applications.tasks.validate_variable_request_form",
    time_limit=180,
    soft_time_limit=150,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def validate_variable_request_form(form_id: int) -> str:
    """Check an uploaded form; the result is stored on the upload. Running it twice changes nothing.

    A check that reaches the soft time limit fails the form with a finding saying so, so that the person is
    told what to do instead of seeing "checking" for ever.
    """
    from .validation import record_timed_out, validate_form

    try:
        return validate_form(form_id).validation_status
    except SoftTimeLimitExceeded:
        logger.warning("The check of form %s reached its time limit", form_id)
        return record_timed_out(form_id).validation_status


def queue_validation(form_id: int) -> bool:
    return queue_once(validate_variable_request_form, form_id)


@shared_task(name="applications.tasks.queue_unchecked_forms", time_limit=120, soft_time_limit=100)
def queue_unchecked_forms() -> int:
    """Queue the check of every form left waiting, such as one uploaded while the broker was down.

    Safe to run at any time: a form already checked is left as it is by the check itself.
    Returns how many forms were queued.
    """
    from .models import VariableRequestForm

    waiting = list(
        VariableRequestForm.objects.filter(
            validation_status=VariableRequestForm.Validation.PENDING,
            uploaded_at__lt=timezone.now() - UNCHECKED_AFTER,
        )
        .order_by("uploaded_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return queue_each(validate_variable_request_form, waiting)


@shared_task(name="applications.tasks.check_member_access", time_limit=900, soft_time_limit=840)
def check_member_access() -> int:
    """Suspend the access of every member whose accreditation has lapsed; the run is stored as an AccessCheckRun."""
    from .member_access.checks import check_active_access

    return check_active_access().pk
