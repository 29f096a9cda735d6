"""A worker killed with SIGKILL in the middle of a task loses nothing: the task runs again and stores one result.

"In the middle" is made exact without any code in the service for tests: the test holds a database lock that the
task needs for its last write, so the worker stops there, after its work (the form checked, the PDF rendered and
sealed) and before its result is committed. The test sees it waiting in pg_stat_activity, and then kills it.

Two ways a worker dies:
- the whole worker (the machine or container is lost). Its unacknowledged message stays in Redis and the next
  worker hands it out again once it has been unacknowledged for the visibility timeout, which the test shortens
  from an hour to two seconds (CELERY_BROKER_VISIBILITY_TIMEOUT). This needs CELERY_TASK_ACKS_LATE.
- only the pool process running the task (the kernel's out-of-memory killer). The worker puts the message back at
  once and runs it again in a new pool process. This needs CELERY_TASK_REJECT_ON_WORKER_LOST as well.
"""

import hashlib
import json
import os
import posixpath
import signal
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_celery_results.models import TaskResult

from applications.models import VariableRequestForm
from applications.services import upload_variable_request_form
from applications.states import State
from applications.validation import datasets_requested
from declarations.models import Declaration, SignedDeclarationDocument
from declarations.services import sign_declaration
from demo.forms import ensure_demo_catalogue, filled_form
from notifications.models import Message
from tests.factories import ApplicationFactory, coordinator_of
from tests.lifecycle import People, advance, application_with_member

from .conftest import UNACKED, database_lock, wait_for, waiting_on_a_lock

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VALIDATE = "applications.tasks.validate_variable_request_form"
MAKE_DOCUMENT = "declarations.tasks.make_signed_document"
# The restarted worker's visibility timeout, in seconds.
VISIBILITY_TIMEOUT = 2
# The check's last write, the datasets kept on the application; a lock on its row stops only that write.
VALIDATION_LAST_WRITE = 'UPDATE "applications_application" SET "requested_datasets"'
LOCK_VALIDATION = "SELECT 1 FROM applications_application WHERE id = %s FOR UPDATE"
# The signed document is stored under a lock on its declaration's row, taken after the PDF is rendered and sealed.
DOCUMENT_LOCK_WAIT = 'FROM "declarations_declaration"'
LOCK_DECLARATION = "SELECT 1 FROM declarations_declaration WHERE id = %s FOR UPDATE"


def uploaded_form():
    """A form uploaded through the service; its check is queued when the upload commits, with no worker yet."""
    ensure_demo_catalogue()
    application = ApplicationFactory(form=False)
    workbook = filled_form(application.reference)
    return upload_variable_request_form(
        application_id=application.pk,
        by=coordinator_of(application),
        uploaded=SimpleUploadedFile("variable-request-form.xlsx", workbook),
    )


def signed_declaration():
    """A member's signature through the service; its PDF is queued when the signature commits, with no worker yet."""
    people = People.create()
    application, member = application_with_member()
    advance(application, State.ACCREDITED, people)
    declaration = Declaration.objects.get(application=application, member=member)
    sign_declaration(declaration_id=declaration.pk, by=member)
    return declaration, people


def wait_for_restore_due(broker):
    """The restarted worker restores at start-up what was handed out longer ago than its visibility timeout."""
    delivered = broker.delivered_at()
    assert delivered, "nothing was waiting to be acknowledged"
    time.sleep(max(0.0, max(delivered) + VISIBILITY_TIMEOUT + 0.5 - time.time()))


def wait_until_done(broker, task: str, object_id: int, *, timeout: float):
    """Until the task's result is stored and the broker holds nothing that would run it again; its results."""
    args = repr((object_id,))
    runs = TaskResult.objects.filter(task_name=task, task_args=json.dumps(args))
    wait_for(lambda: runs.filter(status="SUCCESS").exists(), timeout=timeout, what=f"{task}{args} to succeed")
    wait_for(
        lambda: (task, args) not in broker.tasks() + broker.tasks(UNACKED),
        timeout=5,
        what=f"the broker to let go of {task}{args}",
    )
    return list(runs.values_list("status", flat=True))


def assert_form_checked_once(form):
    form.refresh_from_db()
    assert form.validation_status == VariableRequestForm.Validation.PASSED
    assert form.result["valid"] is True
    assert form.result["form_version"] == "2.3"
    assert VariableRequestForm.objects.filter(application=form.application).count() == 1
    form.application.refresh_from_db()
    assert form.application.requested_dataset_names == datasets_requested(form.result)


def assert_one_document_and_one_e_mail_each(declaration, people, smtp_server):
    document = SignedDeclarationDocument.objects.get(declaration=declaration)
    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
    # The killed run never got as far as writing its file.
    folder, name = posixpath.split(document.file.name)
    stored = [
        other
        for other in default_storage.listdir(folder)[1]
        if other.startswith(f"{document.document_number}-") and other.endswith(".pdf")
    ]
    assert stored == [name]
    application = declaration.application
    assert application.events.filter(kind="declaration_document_signed").count() == 1
    link = reverse("declarations:document", args=[declaration.pk])
    for address in (declaration.member.email, people.ras.email):
        with_link = [m for m in smtp_server.to(address) if link in m.get_body(("plain",)).get_content()]
        assert len(with_link) == 1, address
    messages = Message.objects.filter(key__startswith=f"declaration_document:{document.pk}:")
    assert sorted(messages.values_list("state", flat=True)) == ["sent", "sent"]


def test_a_form_check_cut_short_by_a_killed_worker_is_run_again_by_the_next_worker(broker, workers, storage):
    form = uploaded_form()
    assert (VALIDATE, repr((form.pk,))) in broker.tasks()

    with database_lock(LOCK_VALIDATION, [form.application_id]):
        first = workers.start()
        wait_for(lambda: waiting_on_a_lock(VALIDATION_LAST_WRITE), timeout=30, what="the check to reach its last write")
        form.refresh_from_db()
        assert form.validation_status == VariableRequestForm.Validation.RUNNING
        assert form.result is None
        # Acknowledged only when it finishes, so the broker still holds it.
        assert broker.tasks(UNACKED) == [(VALIDATE, repr((form.pk,)))]
        first.kill()

    wait_for_restore_due(broker)
    workers.start(CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
    assert wait_until_done(broker, VALIDATE, form.pk, timeout=30) == ["SUCCESS"]
    assert_form_checked_once(form)
    assert hashlib.sha256(storage.read(form.file.name)).hexdigest() == form.sha256
    storage.check_kept_in_the_bucket(form.file.name)


def test_a_signed_document_cut_short_by_a_killed_worker_is_made_once_by_the_next_worker(
    broker, workers, smtp_server, storage
):
    declaration, people = signed_declaration()
    assert (MAKE_DOCUMENT, repr((declaration.pk,))) in broker.tasks()

    with database_lock(LOCK_DECLARATION, [declaration.pk]):
        first = workers.start()
        wait_for(lambda: waiting_on_a_lock(DOCUMENT_LOCK_WAIT), timeout=60, what="the sealed PDF to wait to be stored")
        assert not SignedDeclarationDocument.objects.filter(declaration=declaration).exists()
        assert broker.tasks(UNACKED) == [(MAKE_DOCUMENT, repr((declaration.pk,)))]
        first.kill()

    wait_for_restore_due(broker)
    workers.start(CELERY_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
    assert wait_until_done(broker, MAKE_DOCUMENT, declaration.pk, timeout=60) == ["SUCCESS"]
    assert_one_document_and_one_e_mail_each(declaration, people, smtp_server)
    storage.check_kept_in_the_bucket(SignedDeclarationDocument.objects.get(declaration=declaration).file.name)


def test_a_killed_pool_process_has_its_task_run_again_by_the_same_worker(broker, workers, smtp_server):
    declaration, people = signed_declaration()

    with database_lock(LOCK_DECLARATION, [declaration.pk]):
        worker = workers.start()
        (killed_session,) = wait_for(
            lambda: waiting_on_a_lock(DOCUMENT_LOCK_WAIT), timeout=60, what="the sealed PDF to wait to be stored"
        )
        pool_process = worker.pool_process_running(MAKE_DOCUMENT)
        os.kill(pool_process, signal.SIGKILL)
        # Put back at once and started again in a new pool process, which now waits at the same place.
        wait_for(
            lambda: waiting_on_a_lock(DOCUMENT_LOCK_WAIT, exclude={killed_session}),
            timeout=60,
            what="the task to start again in a new pool process",
        )
        assert worker.alive
        assert worker.pool_process_running(MAKE_DOCUMENT) != pool_process

    assert wait_until_done(broker, MAKE_DOCUMENT, declaration.pk, timeout=60) == ["SUCCESS"]
    assert_one_document_and_one_e_mail_each(declaration, people, smtp_server)
