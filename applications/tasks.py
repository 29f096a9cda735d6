import logging
from contextlib import contextmanager, nullcontext
from datetime import timedelta

from celery import current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone
from kombu.exceptions import OperationalError

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


@contextmanager
def single_attempt_connection():
    """A broker connection that tries to connect once.

    Kombu's default reconnection loop keeps trying for several seconds (six for a stopped Redis), and Celery's
    publish retries repeat it; one attempt is bounded by the connect and socket timeouts of
    CELERY_BROKER_TRANSPORT_OPTIONS.
    """
    with current_app.connection_for_write(transport_options={"max_retries": 0}) as connection:
        yield connection


def queue_once(task, object_id: int, *, connection=None) -> bool:
    """Queue `task(object_id)` for work whose rows are already committed, without waiting long for the broker.

    False, logged, when the broker cannot be reached: the person must not see an error for work that is saved,
    and the sweepers (queue_unchecked_forms, declarations.tasks.queue_missing_documents) queue it later.
    """
    try:
        with nullcontext(connection) if connection is not None else single_attempt_connection() as broker:
            task.apply_async((object_id,), retry=False, connection=broker)
    except OperationalError:  # kombu's error for a broker it cannot reach or that does not answer
        logger.exception("Could not queue %s(%s); the sweeper will queue it", task.name, object_id)
        return False
    return True


def queue_each(task, object_ids) -> int:
    """Queue `task(id)` for each id over one broker connection, stopping at the first the broker does not take
    (it is down: whatever is left waits for the next sweep). How many were queued."""
    queued = 0
    with single_attempt_connection() as connection:
        for object_id in object_ids:
            if not queue_once(task, object_id, connection=connection):
                break
            queued += 1
    return queued


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
