"""Services that take several locks may meet another transaction taking them in another order; PostgreSQL then
breaks the deadlock by failing one of the two. That one is run again from the start, so the person sees the
outcome their request would have had a moment later (often "someone else changed this"), never a server error."""

import functools

from django.db import OperationalError, connection

DEADLOCK_DETECTED = "40P01"
ATTEMPTS = 3


def is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == DEADLOCK_DETECTED


def retried_on_deadlock(service):
    """Run `service` again, up to ATTEMPTS times in all, when its own transaction is the one PostgreSQL failed to
    break a deadlock. Never inside an outer transaction: that one is broken too and only its owner may retry."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            outermost = not connection.in_atomic_block
            try:
                return service(*args, **kwargs)
            except OperationalError as error:
                if attempt == ATTEMPTS or not outermost or not is_deadlock(error):
                    raise

    return run
