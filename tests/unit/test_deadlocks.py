"""A service failed by PostgreSQL to break a deadlock is run again; any other error, or one inside an outer
transaction, is raised as it is."""

import psycopg
import pytest
from django.db import OperationalError, transaction

from leo_access.deadlocks import ATTEMPTS, retried_on_deadlock

pytestmark = pytest.mark.django_db(transaction=True)  # outside any transaction, as a request is


def failing(times: int, cause: Exception):
    calls = []

    @retried_on_deadlock
    def service():
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("failed") from cause
        return "done"

    return service, calls


def test_a_deadlock_is_retried_until_the_service_runs():
    service, calls = failing(ATTEMPTS - 1, psycopg.errors.DeadlockDetected())
    assert service() == "done"
    assert len(calls) == ATTEMPTS


def test_a_deadlock_every_time_is_raised_after_the_last_attempt():
    service, calls = failing(ATTEMPTS, psycopg.errors.DeadlockDetected())
    with pytest.raises(OperationalError):
        service()
    assert len(calls) == ATTEMPTS


def test_other_errors_are_not_retried():
    service, calls = failing(1, psycopg.errors.QueryCanceled())
    with pytest.raises(OperationalError):
        service()
    assert len(calls) == 1


def test_inside_an_outer_transaction_nothing_is_retried():
    service, calls = failing(1, psycopg.errors.DeadlockDetected())
    with pytest.raises(OperationalError), transaction.atomic():
        service()
    assert len(calls) == 1
