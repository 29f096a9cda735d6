"""Files in an S3-compatible bucket: stored, checked and sent from it, never from the local disk."""

import hashlib
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.models import VariableRequestForm
from applications.states import State
from demo.forms import attach_demo_form, ensure_demo_catalogue, filled_form
from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.roles import Role
from reviews.tracking import services as tracking_services
from reviews.tracking.models import Export
from tests.conftest import running_worker
from tests.factories import ApplicationFactory, coordinator_of, staff

from .conftest import keys, new_bucket, s3_client, storage_env

pytestmark = pytest.mark.django_db


def _local_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_an_uploaded_form_is_kept_in_the_bucket_checked_from_it_and_sent_from_it(client, settings, bucket, s3_endpoint):
    settings.MEDIA_ROOT = settings.MEDIA_ROOT / "never-used"
    application = ApplicationFactory(form=False)
    coordinator = coordinator_of(application)
    form = attach_demo_form(application, by=coordinator)

    assert form.file.name in keys(s3_endpoint, bucket)
    assert _local_files(settings) == []
    assert form.validation_status == VariableRequestForm.Validation.PASSED, form.result

    client.force_login(coordinator)
    response = client.get(reverse("applications:form_download", args=[application.pk, form.version]))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == form.sha256


def test_a_changed_object_is_not_sent_and_is_recorded(client, bucket, s3_endpoint):
    application = ApplicationFactory(form=False)
    coordinator = coordinator_of(application)
    form = attach_demo_form(application, by=coordinator)
    s3_client(s3_endpoint).put_object(Bucket=bucket, Key=form.file.name, Body=b"not the form that was uploaded")

    client.force_login(coordinator)
    response = client.get(reverse("applications:form_download", args=[application.pk, form.version]))
    assert response.status_code == 409
    assert b"This file has changed since it was stored" in response.content
    assert b"not the form that was uploaded" not in response.content
    event = AuditEvent.objects.get(kind=AuditKind.FILE_UNAVAILABLE)
    assert (event.data["problem"], event.data["stored_as"], event.application_id) == (
        "changed",
        form.file.name,
        application.pk,
    )


def test_a_missing_object_gives_a_page_saying_so_and_is_recorded(client, bucket, s3_endpoint):
    application = ApplicationFactory(form=False)
    coordinator = coordinator_of(application)
    form = attach_demo_form(application, by=coordinator)
    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=form.file.name)

    client.force_login(coordinator)
    response = client.get(reverse("applications:form_download", args=[application.pk, form.version]))
    assert response.status_code == 404
    assert b"This file cannot be found" in response.content
    assert AuditEvent.objects.get(kind=AuditKind.FILE_UNAVAILABLE).data["problem"] == "missing"


def test_an_export_is_kept_in_the_bucket_sent_by_a_short_lived_address_and_deleted_when_it_expires(
    client, settings, bucket, s3_endpoint
):
    settings.MEDIA_ROOT = settings.MEDIA_ROOT / "never-used"
    ApplicationFactory(title="Exported study", form=False, state=State.RAS_CHECK, submitted_at=timezone.now())
    admin = staff(Role.ADMIN)
    export = Export.objects.create(kind=Export.Kind.APPLICATIONS, format="csv", requested_by=admin)
    export = tracking_services.build_export(export.pk)
    assert export.status == Export.Status.DONE
    assert keys(s3_endpoint, bucket) == [export.file.name]
    assert _local_files(settings) == []

    client.force_login(admin)
    url = reverse("tracking:export_download", args=[export.pk])
    streamed = client.get(url)
    body = b"".join(streamed.streaming_content)
    assert b"Exported study" in body

    settings.FILE_DOWNLOADS = "redirect"
    redirected = client.get(url)
    assert redirected.status_code == 302
    address = redirected["Location"]
    assert address.startswith(s3_endpoint)
    assert "Signature" in address
    with urllib.request.urlopen(address, timeout=10) as fetched:
        assert fetched.read() == body
        assert "attachment" in fetched.headers["Content-Disposition"]
    assert AuditEvent.objects.filter(kind=AuditKind.FILE_DOWNLOADED).count() == 2

    assert tracking_services.delete_expired_exports(now=export.expires_at + timedelta(seconds=1)) == 1
    assert keys(s3_endpoint, bucket) == []


def test_move_files_to_object_storage_copies_every_file_and_checks_each(settings, s3_endpoint, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = ApplicationFactory(form=False)
    form = attach_demo_form(application, by=coordinator_of(application))
    assert (tmp_path / form.file.name).exists()

    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME"):
        call_command("move_files_to_object_storage")

    bucket = new_bucket(s3_endpoint)
    env = storage_env(s3_endpoint, bucket)
    for name, value in env.items():
        setattr(settings, name, value)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}

    call_command("move_files_to_object_storage")
    assert keys(s3_endpoint, bucket) == [form.file.name]
    with default_storage.open(form.file.name, "rb") as copied:
        assert hashlib.sha256(copied.read()).hexdigest() == form.sha256

    # Again: nothing to do. With a different object in the bucket: replaced by the file on disk.
    from io import StringIO

    out = StringIO()
    call_command("move_files_to_object_storage", stdout=out)
    assert "already there 1" in out.getvalue()
    s3_client(s3_endpoint).put_object(Bucket=bucket, Key=form.file.name, Body=b"half a file")
    call_command("move_files_to_object_storage")
    with default_storage.open(form.file.name, "rb") as copied:
        assert hashlib.sha256(copied.read()).hexdigest() == form.sha256

    # A file the database knows of but the disk does not: the command says so and fails.
    (tmp_path / form.file.name).unlink()
    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=form.file.name)
    with pytest.raises(CommandError, match="missing on disk 1"):
        call_command("move_files_to_object_storage")


@pytest.mark.django_db(transaction=True)
def test_a_worker_with_no_shared_disk_checks_an_upload_from_the_bucket(client, settings, bucket, s3_endpoint, tmp_path):
    """The web process and the worker share nothing but the database, Redis and the bucket."""
    queue = "object-storage-test"
    env = storage_env(s3_endpoint, bucket) | {"MEDIA_ROOT": str(tmp_path / "worker-has-no-files")}
    ensure_demo_catalogue()
    application = ApplicationFactory(form=False, state=State.DRAFT)
    coordinator = coordinator_of(application)
    from applications.tasks import validate_variable_request_form

    with running_worker(env, queues=queue):
        from unittest import mock

        # Sent to the worker started here only, so no other test worker (with its own disk) can take it.
        def queue_here(form_id):
            validate_variable_request_form.apply_async(args=[form_id], queue=queue)

        with mock.patch.object(application_services, "_queue_validation", queue_here):
            client.force_login(coordinator)
            from django.core.files.uploadedfile import SimpleUploadedFile

            upload = SimpleUploadedFile("form.xlsx", filled_form(application.reference))
            response = client.post(reverse("applications:data", args=[application.pk]), {"file": upload})
            assert response.status_code == 302, response.content[:500]
        form = VariableRequestForm.objects.get(application=application)
        deadline = timezone.now() + timedelta(seconds=60)
        while form.validation_status in ("pending", "running") and timezone.now() < deadline:
            import time

            time.sleep(0.2)
            form.refresh_from_db()
    assert form.validation_status == VariableRequestForm.Validation.PASSED, form.result
    assert form.file.name in keys(s3_endpoint, bucket)
    assert not (tmp_path / "worker-has-no-files").exists() or not any((tmp_path / "worker-has-no-files").rglob("*"))


def test_a_document_sent_as_evidence_for_a_condition_is_kept_in_the_bucket_and_checked_when_sent(
    settings, bucket, s3_endpoint
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.conditions import set_condition, submit_evidence
    from tests.conftest import Client
    from tests.lifecycle import People, advance, application_with_member

    settings.MEDIA_ROOT = settings.MEDIA_ROOT / "never-used"
    people = People.create()
    application = advance(application_with_member()[0], State.ACCREDITED, people)
    condition = set_condition(application_id=application.pk, by=people.panel, text="Send it.", timing="before_access")
    document = b"%PDF-1.7\n% the plan, in the bucket\n"
    condition = submit_evidence(
        condition_id=condition.pk,
        by=coordinator_of(application),
        file=SimpleUploadedFile("plan.pdf", document),
    )
    assert condition.evidence_file.name in keys(s3_endpoint, bucket)
    assert _local_files(settings) == []

    panel = Client()
    panel.force_login(people.panel)
    url = reverse("applications:condition_evidence_file", args=[application.pk, condition.pk])
    assert panel.get(url).content == document
    s3_client(s3_endpoint).put_object(Bucket=bucket, Key=condition.evidence_file.name, Body=b"%PDF-1.7\n% another")
    assert panel.get(url).status_code == 409
