"""A bulk seed leaves the planner fresh statistics for every table it wrote, so benchmarks measure real plans."""

import time

import pytest
from django.db import connection

from demo import bulk, users

pytestmark = pytest.mark.django_db(transaction=True)


def analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        return {name for (name,) in cursor.fetchall()}


def test_a_bulk_seed_analyses_every_table_it_wrote():
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    by_role, _ = users.ensure_demo_users()
    assert bulk.generate(12, by_role) == 12
    written = {model._meta.db_table for model in bulk.WRITTEN_MODELS}
    assert {"leo_access_user", "applications_application", "applications_applicationevent"} <= written
    deadline = time.monotonic() + 10
    while not written <= analysed_tables() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert written - analysed_tables() == set()
