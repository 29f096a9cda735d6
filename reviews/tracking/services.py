"""Writes for tracking: the stored stage times, the stored dashboard, and asking for a large export, building it
and deleting it when it expires. The worker does the heavy parts; pages only ask for them."""

import logging
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from leo_access.files import STORAGE_ERRORS
from leo_access.queueing import queue_once

from . import charts, exports, forms, selectors
from .models import DashboardSnapshot, Export, StageDuration, StageDurationStale
from .selectors.statistics import durations_sql

log = logging.getLogger(__name__)

# Any constant will do: it only has to be the same for every process refreshing stage times.
_REFRESH_LOCK = 0x5354_4147  # "STAG"


def refresh_stage_times() -> None:
    """Work out again the stage times of the applications whose events changed since the last refresh.

    Each event that can change them marks its application in its own transaction (`StageDurationStale`), so a
    refresh sees an event exactly when it sees its mark. Refreshes take turns (an advisory lock on
    PostgreSQL; SQLite lets one writer in at a time), and each takes the marks, removes the application's old
    rows and writes the new ones as one unit, so no change is missed or counted twice.
    """
    stale = StageDurationStale._meta.db_table
    stored = StageDuration._meta.db_table
    columns = "application_id, stage, days, finished_at"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
            # One statement, so one snapshot: the marks it deletes are exactly those whose events it reads.
            cursor.execute(
                f"""WITH taken AS (DELETE FROM {stale} RETURNING application_id),
                cleared AS (DELETE FROM {stored} WHERE application_id IN (SELECT application_id FROM taken)),
                {durations_sql("SELECT application_id FROM taken")}
                INSERT INTO {stored} ({columns}) SELECT {columns} FROM durations"""  # noqa: S608
            )
            return
        # SQLite: the first write takes the database's write lock, so nothing commits in between these.
        chosen = f"SELECT application_id FROM {stale}"  # noqa: S608
        cursor.execute(f"DELETE FROM {stored} WHERE application_id IN ({chosen})")  # noqa: S608
        cursor.execute(
            f"WITH {durations_sql(chosen)} INSERT INTO {stored} ({columns}) SELECT {columns} FROM durations"  # noqa: S608
        )
        cursor.execute(f"DELETE FROM {stale}")  # noqa: S608


# A period nobody has asked about for this long is forgotten (the default period is worked out every minute).
FORGET_PERIODS_AFTER = timedelta(days=1)


def period_key(period: selectors.Period) -> str:
    return f"{period.start.isoformat()}/{period.end.isoformat()}"


def refresh_dashboard(*, period: selectors.Period | None = None) -> DashboardSnapshot:
    """Work out the dashboard for `period` (by default the last twelve months) and store it, charts and all."""
    period = period or selectors.Period.last_months()
    refresh_stage_times()
    figures = selectors.dashboard_figures(period)
    context = {
        **figures,
        "chart_query": urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()}),
        "bucket_labels": selectors.bucket_labels(),
        "throughput_kinds": selectors.THROUGHPUT,
    }
    snapshot, _ = DashboardSnapshot.objects.update_or_create(
        period_start=period.start,
        period_end=period.end,
        defaults={
            "computed_at": figures["computed_at"],
            "now_html": render_to_string("reviews/tracking/includes/dashboard_now.html", context),
            "period_html": render_to_string("reviews/tracking/includes/dashboard_period.html", context),
            "funnel_svg": charts.funnel(figures["funnel"]).decode(),
            "throughput_svg": charts.throughput(figures["months"]).decode(),
            "stage_days_svg": charts.stage_days(figures["times"]).decode(),
        },
    )
    cache.delete(_queued_key(period))
    return snapshot


def forget_unused_dashboards(now=None) -> int:
    """Drop the stored dashboards of periods nobody has asked for lately (never the default period's)."""
    default = selectors.Period.last_months()
    cutoff = (now or timezone.now()) - FORGET_PERIODS_AFTER
    stale = DashboardSnapshot.objects.filter(computed_at__lt=cutoff).exclude(
        period_start=default.start, period_end=default.end
    )
    return stale.delete()[0]


def _queued_key(period: selectors.Period) -> str:
    return f"tracking:dashboard-queued:{period_key(period)}"


def request_dashboard(*, period: selectors.Period) -> bool:
    """Ask the worker to work out the dashboard for `period`, once however many pages ask meanwhile.

    Writes nothing to the database, so a page may call it. With tasks run in-process (the embedded default)
    the dashboard is stored by the time this returns."""
    from .tasks import refresh_dashboard as task

    # Asked for at most once per TRACKING_DASHBOARD_CACHE_SECONDS (and per minute): the mark lapses by itself, so a
    # refresh lost with its worker is asked for again by a later page; the worker clears it when it has stored one.
    seconds = max(1, min(settings.TRACKING_DASHBOARD_CACHE_SECONDS, 60))
    if not cache.add(_queued_key(period), True, timeout=seconds):
        return False
    return queue_once(task, period_key(period))


def table_for(kind: str, filters: dict) -> exports.Table:
    """The rows an export holds, from the same filter form the page uses."""
    if kind == Export.Kind.REGISTER:
        return exports.register_table(forms.RegisterFilterForm(filters).filters())
    return exports.application_table(forms.ApplicationFilterForm(filters).filters())


def request_export(*, kind: str, fmt: str, filters: dict, by, total_rows: int) -> Export:
    """Record an export for the worker to build, queued once the row is committed."""
    from .tasks import build_export

    with transaction.atomic():
        export = Export.objects.create(kind=kind, format=fmt, filters=filters, requested_by=by, total_rows=total_rows)
        transaction.on_commit(lambda: build_export.delay(str(export.pk)))
    return export


def export_name(export: Export) -> str:
    """Where the built file is kept in the file storage (MEDIA_ROOT, or the bucket)."""
    return f"exports/{export.pk}.{export.format}"


@contextmanager
def _progress_writer(export: Export):
    """A callback that records the rows written so far, on a database connection of its own.

    On PostgreSQL a CSV streams through a COPY on Django's connection, and nothing else can use that connection
    until the COPY ends: an update on it waits for the COPY, which waits for the writer that made the update.
    """
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table, column, key = (
        side.ops.quote_name(name) for name in (Export._meta.db_table, "rows_written", Export._meta.pk.column)
    )
    sql = f"UPDATE {table} SET {column} = %s WHERE {key} = %s"  # noqa: S608 - names quoted, values bound

    def progress(rows: int):
        with side.cursor() as cursor:
            cursor.execute(sql, [rows, export.pk])

    try:
        yield progress
    finally:
        side.close()


def build_export(export_id) -> Export | None:
    """Build the file. Running it again for the same export rebuilds the file; a finished one is left alone."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status in (Export.Status.DONE, Export.Status.EXPIRED):
            return export
        export.status = Export.Status.RUNNING
        export.started_at = timezone.now()
        export.rows_written = 0
        export.save(update_fields=["status", "started_at", "rows_written"])

    table = table_for(export.kind, export.filters)
    # Written to the worker's own temporary folder, then stored: the storage may be a bucket shared by machines.
    with tempfile.TemporaryDirectory(prefix="leo-export-") as folder:
        partial = Path(folder) / f"export.{export.format}"
        try:
            with _progress_writer(export) as progress:
                written = exports.WRITERS[export.format](table, partial, progress=progress)
            name = export_name(export)
            default_storage.delete(name)  # a run stopped after storing its file is built again from the start
            with partial.open("rb") as handle:
                stored = default_storage.save(name, File(handle))
        except Exception as error:
            Export.objects.filter(pk=export.pk).update(
                status=Export.Status.FAILED, error=str(error)[:500], finished_at=timezone.now()
            )
            raise
    finished = timezone.now()
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.DONE,
        rows_written=written,
        total_rows=written,
        file=stored,
        finished_at=finished,
        expires_at=finished + timedelta(hours=settings.TRACKING_EXPORT_KEEP_HOURS),
    )
    return Export.objects.get(pk=export.pk)


def delete_expired_exports(now=None) -> int:
    """Delete the files of exports past their time, and any left by failed or abandoned runs."""
    now = now or timezone.now()
    deleted = 0
    stale = Export.objects.filter(expires_at__lt=now, status=Export.Status.DONE) | Export.objects.filter(
        status__in=[Export.Status.FAILED, Export.Status.RUNNING, Export.Status.PENDING],
        requested_at__lt=now - timedelta(hours=settings.TRACKING_EXPORT_KEEP_HOURS),
    )
    for export in stale:
        for name in {export.file.name, export_name(export)} - {"", None}:
            try:
                default_storage.delete(name)
            except STORAGE_ERRORS:
                log.warning("Could not delete the expired export file %s; will try again", name, exc_info=True)
                break
        else:
            Export.objects.filter(pk=export.pk).update(status=Export.Status.EXPIRED, file="")
            deleted += 1
    return deleted
