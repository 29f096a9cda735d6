"""Queueing work for Celery without letting a broker outage reach the person: one attempt, logged, and a sweeper
queues what was missed. Every app's tasks use these."""

import logging
from contextlib import contextmanager, nullcontext

from celery import current_app
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


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
    and the sweepers (applications.tasks.queue_unchecked_forms, declarations.tasks.queue_missing_documents)
    queue it later.
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
