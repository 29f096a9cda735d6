"""Writes for tracking: asking for a large export, building it, and deleting it when it expires."""

import logging
import os
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from . import exports, forms
from .models import Export

log = logging.getLogger(__name__)


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


def export_path(export: Export) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / f"{export.pk}.{export.format}"


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
    path = export_path(export)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")

    try:
        with _progress_writer(export) as progress:
            written = exports.WRITERS[export.format](table, partial, progress=progress)
        os.replace(partial, path)
    except Exception as error:
        partial.unlink(missing_ok=True)
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        raise
    finished = timezone.now()
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.DONE,
        rows_written=written,
        total_rows=written,
        file=str(path.relative_to(settings.MEDIA_ROOT)),
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
        path = export_path(export)
        path.unlink(missing_ok=True)
        path.with_suffix(path.suffix + ".part").unlink(missing_ok=True)
        Export.objects.filter(pk=export.pk).update(status=Export.Status.EXPIRED, file="")
        deleted += 1
    return deleted
