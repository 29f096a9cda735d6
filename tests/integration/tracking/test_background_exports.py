"""Large exports: built by a real worker, shown with progress, downloaded from disk, deleted when expired."""

import csv
import io
import time
from datetime import timedelta

import psycopg
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.states import State
from leo_access.roles import Role
from reviews.tracking import exports, services
from reviews.tracking.models import Export
from tests.factories import ApplicationFactory, staff


def wait_for(export, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if not export.in_progress:
            return export
        time.sleep(0.2)
    raise AssertionError(f"the export is still {export.status}")


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_built_by_the_worker_and_then_expires(client, settings, celery_worker):
    settings.TRACKING_EXPORT_SYNC_MAX_ROWS = 2
    for number in range(3):
        application = ApplicationFactory(form=False, title=f"@Study {number}")
        Application.objects.filter(pk=application.pk).update(state=State.RAS_CHECK, submitted_at=timezone.now())
    admin = staff(Role.ADMIN)
    client.force_login(admin)
    response = client.post(reverse("tracking:export", args=["applications"]), {"format": "csv", "state": "ras_check"})
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tracking:export_detail", args=[export.pk])
    assert (export.total_rows, export.filters) == (3, {"state": "ras_check"})

    page = client.get(response["Location"]).content.decode()
    assert "Download" in page or "rows written" in page
    export = wait_for(export)
    assert export.status == Export.Status.DONE
    assert export.rows_written == 3
    assert export.expires_at > timezone.now() + timedelta(hours=settings.TRACKING_EXPORT_KEEP_HOURS - 1)
    assert "Download" in client.get(reverse("tracking:export_status", args=[export.pk])).content.decode()

    download = client.get(reverse("tracking:export_download", args=[export.pk]))
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == 4
    assert {row[1] for row in rows[1:]} == {"'@Study 0", "'@Study 1", "'@Study 2"}

    # Nobody else may fetch it, not even another admin.
    client.force_login(staff(Role.ADMIN))
    assert client.get(reverse("tracking:export_download", args=[export.pk])).status_code == 404
    client.force_login(admin)

    name = export.file.name
    assert default_storage.exists(name)
    assert services.delete_expired_exports(now=timezone.now()) == 0
    assert services.delete_expired_exports(now=export.expires_at + timedelta(seconds=1)) == 1
    assert not default_storage.exists(name)
    export.refresh_from_db()
    assert export.status == Export.Status.EXPIRED
    assert client.get(reverse("tracking:export_download", args=[export.pk])).status_code == 410


@pytest.mark.django_db
def test_building_again_leaves_a_finished_export_alone(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin = staff(Role.ADMIN)
    export = Export.objects.create(kind="register", format="xlsx", requested_by=admin)
    first = services.build_export(export.pk)
    assert first.status == Export.Status.DONE
    finished = first.finished_at
    again = services.build_export(export.pk)
    assert again.finished_at == finished
    assert default_storage.exists(again.file.name)


def _many_at_intake(count: int, title: str = "Study"):
    """`count` applications at intake, inserted at once: one made in full, the rest copies of its core fields."""
    first = ApplicationFactory(form=False, title="Study 0")
    Application.objects.filter(pk=first.pk).update(state=State.RAS_CHECK, submitted_at=timezone.now())
    now = timezone.now()
    Application.objects.bulk_create(
        [
            Application(
                reference=f"LEO-2099-{number:05d}",
                title=f"{title} {number}",
                created_by=first.created_by,
                state=State.RAS_CHECK,
                stage_entered_at=now,
                submitted_at=now,
            )
            for number in range(1, count)
        ]
    )


def _copies_in_progress() -> list[tuple]:
    """Backends of the test database still in a COPY or waiting to write to a client, seen from outside."""
    database = settings.DATABASES["default"]
    with psycopg.connect(
        host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=database["NAME"], autocommit=True
    ) as outside:
        return outside.execute(
            "SELECT pid, state, wait_event, query FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            " AND (query ILIKE 'COPY%%' AND state = 'active' OR wait_event = 'ClientWrite')",
            [database["NAME"]],
        ).fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_csv_larger_than_the_progress_interval_is_built_by_the_worker(client, settings, celery_worker):
    # The COPY holds Django's connection until its last row; progress written on that same connection waited for
    # the COPY, which waited for the progress, and the export never finished.
    settings.TRACKING_EXPORT_SYNC_MAX_ROWS = 10
    count = exports.PROGRESS_EVERY + 150
    _many_at_intake(count)
    client.force_login(staff(Role.ADMIN))
    response = client.post(reverse("tracking:export", args=["applications"]), {"format": "csv", "state": "ras_check"})
    assert response.status_code == 302
    export = wait_for(Export.objects.get(), seconds=60)
    assert (export.status, export.rows_written, export.total_rows) == (Export.Status.DONE, count, count)
    download = client.get(reverse("tracking:export_download", args=[export.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == count + 1
    assert not _copies_in_progress()


@pytest.mark.django_db(transaction=True)
def test_a_download_abandoned_half_way_frees_its_connection(client, settings):
    settings.TRACKING_EXPORT_SYNC_MAX_ROWS = 50_000
    # Enough that PostgreSQL cannot hand the whole COPY to the sockets' buffers (several MB between two local
    # processes) and stays in it while the reader waits.
    _many_at_intake(12_000, title="A long title " * 18)
    client.force_login(staff(Role.ADMIN))
    response = client.post(reverse("tracking:export", args=["applications"]), {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    try:
        chunks = iter(response.streaming_content)
        assert next(chunks).startswith(b"Reference,")
        deadline = time.monotonic() + 5
        while not _copies_in_progress() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _copies_in_progress()
    finally:
        # Unclosed, the generator would keep the connection inside the COPY (and this test's teardown waiting).
        response.close()
    deadline = time.monotonic() + 10
    while _copies_in_progress() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _copies_in_progress()
    # The connection is usable again.
    assert Export.objects.count() == 0
