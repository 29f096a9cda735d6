"""Admin change lists (and the audit log) whose SQL stays flat as the tables grow.

Django's admin counts a change list's rows exactly on every page, and with `show_full_result_count` counts the
whole table a second time. On the event log, the outbox and the task results, with a hundred thousand
applications, those counts read millions of rows. `EstimatedCountPaginator` asks PostgreSQL for its estimate
of an unfiltered table's rows (`pg_class.reltuples`, kept by ANALYZE and autovacuum) once the table is large,
and counts exactly when it is small, when the list is filtered or searched, and on other databases.

`FlatAdminMixin` uses it and leaves out the full count. Each ModelAdmin still names the related rows its list
shows (`list_select_related`) and its inlines read theirs with `select_related`, so no row costs a query;
tests/integration/test_query_counts.py checks every page of the admin site on two sizes of data.
"""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows (as PostgreSQL estimates them) a table is counted exactly: the count is quick and the
# number shown is then the true one.
ESTIMATE_FROM_ROWS = 10_000


def estimated_count(queryset) -> int | None:
    """PostgreSQL's estimate of the rows of an unfiltered, large table; None when it should be counted."""
    if not isinstance(queryset, QuerySet):
        return None
    query = queryset.query
    if query.where or query.distinct or query.is_sliced or query.combinator or query.group_by is not None:
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    # reltuples is -1 for a table never analysed.
    if row is None or row[0] is None or row[0] < ESTIMATE_FROM_ROWS:
        return None
    return int(row[0])


class EstimatedCountPaginator(Paginator):
    """A paginator that does not count a large unfiltered table: its last page is as far as the estimate goes."""

    @cached_property
    def estimate(self) -> int | None:
        return estimated_count(self.object_list)

    @property
    def estimated(self) -> bool:
        """Whether `count` is PostgreSQL's estimate, for pages to say "about"."""
        return self.estimate is not None

    @cached_property
    def count(self) -> int:
        return super().count if self.estimate is None else self.estimate


class FlatAdminMixin:
    """For a ModelAdmin of a table that grows with the applications: no full count, an estimated page count."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False


class FlatModelAdmin(FlatAdminMixin, admin.ModelAdmin):
    pass
