"""A large unfiltered table's rows are PostgreSQL's estimate; a small or filtered one's are counted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leo_access import admin_paging
from leo_access.admin_paging import EstimatedCountPaginator
from notifications.models import ReminderRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs():
    ReminderRun.objects.bulk_create(ReminderRun(kind="overdue", subject=f"s{n}", period="p") for n in range(30))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ReminderRun._meta.db_table}")


def counted(queryset) -> tuple[int, bool, str]:
    paginator = EstimatedCountPaginator(queryset, 10)
    with CaptureQueriesContext(connection) as captured:
        count = paginator.count
    return count, paginator.estimated, " ".join(query["sql"] for query in captured.captured_queries)


def test_a_large_unfiltered_table_is_not_counted(runs, monkeypatch):
    monkeypatch.setattr(admin_paging, "ESTIMATE_FROM_ROWS", 20)

    count, estimated, sql = counted(ReminderRun.objects.order_by("-ran_at"))

    assert estimated
    assert count == 30  # ANALYZE reads every row of so small a table.
    assert "COUNT(" not in sql
    assert EstimatedCountPaginator(ReminderRun.objects.all(), 10).num_pages == 3


def test_a_filtered_list_or_a_small_table_is_counted(runs, monkeypatch):
    monkeypatch.setattr(admin_paging, "ESTIMATE_FROM_ROWS", 20)
    ReminderRun.objects.filter(subject__in=["s1", "s2"]).delete()

    assert counted(ReminderRun.objects.filter(subject__startswith="s1"))[:2] == (10, False)
    monkeypatch.setattr(admin_paging, "ESTIMATE_FROM_ROWS", 1000)
    count, estimated, sql = counted(ReminderRun.objects.all())
    assert (count, estimated) == (28, False)
    assert "COUNT(" in sql
