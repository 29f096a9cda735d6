"""Redis down when a form is uploaded or a declaration signed: the work is kept, the page answers at once and
says what will happen, and the sweepers queue the work when Redis is back; a worker then does it exactly once.

Only the test's own Redis server is stopped (see conftest.py), never the machine's shared one.
"""

import hashlib
import json
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_celery_results.models import TaskResult

from applications.models import VariableRequestForm
from applications.states import State
from applications.tasks import UNCHECKED_AFTER, queue_unchecked_forms
from declarations.models import Declaration, SignedDeclarationDocument
from declarations.services import current_text
from declarations.tasks import UNQUEUED_AFTER, queue_missing_documents
from demo.forms import ensure_demo_catalogue, filled_form
from leo_access.celery import app as celery_app
from tests.conftest import Client
from tests.factories import ApplicationFactory, coordinator_of, totp_code
from tests.lifecycle import People, advance, application_with_member

from .conftest import UNACKED, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VALIDATE = "applications.tasks.validate_variable_request_form"
MAKE_DOCUMENT = "declarations.tasks.make_signed_document"
# A stopped server refuses connections at once; allow for a slow machine, but not for retries or long timeouts.
PROMPT = 4.0


def upload_page(client, application, workbook: bytes):
    """Upload through the data page as a person does; the response and how long the request took."""
    started = time.monotonic()
    response = client.post(
        reverse("applications:data", args=[application.pk]),
        {"file": SimpleUploadedFile("variable-request-form.xlsx", workbook)},
        follow=True,
    )
    return response, time.monotonic() - started


def task_statuses(task: str, object_id: int) -> list[str]:
    return list(
        TaskResult.objects.filter(task_name=task, task_args=json.dumps(repr((object_id,)))).values_list(
            "status", flat=True
        )
    )


def test_the_sweepers_run_periodically():
    for task in ("applications.tasks.queue_unchecked_forms", "declarations.tasks.queue_missing_documents"):
        (entry,) = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == task]
        assert task in celery_app.tasks
        assert entry["schedule"] <= min(UNCHECKED_AFTER, UNQUEUED_AFTER)


def test_a_form_uploaded_while_redis_is_down_is_kept_and_checked_once_when_it_is_back(broker, workers, storage):
    ensure_demo_catalogue()
    application = ApplicationFactory(form=False)
    workbook = filled_form(application.reference)
    client = Client(raise_request_exception=False)
    client.force_login(coordinator_of(application))

    broker.stop()
    response, took = upload_page(client, application, workbook)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("applications:data", args=[application.pk]), 302)]
    assert took < PROMPT
    page = response.content.decode()
    assert "Version 1 of your form is saved. Checking will start shortly" in page
    assert "Your form is saved and checking will start shortly." in page
    form = VariableRequestForm.objects.get(application=application)
    assert form.validation_status == VariableRequestForm.Validation.PENDING
    assert form.sha256 == hashlib.sha256(workbook).hexdigest()
    assert storage.read(form.file.name) == workbook
    storage.check_kept_in_the_bucket(form.file.name)

    broker.start()
    assert broker.tasks() == []  # the message never reached Redis
    # A fresh upload may still have its message on the way; only one left waiting is queued again.
    assert queue_unchecked_forms() == 0
    VariableRequestForm.objects.filter(pk=form.pk).update(uploaded_at=timezone.now() - UNCHECKED_AFTER)
    waiting = client.get(reverse("applications:data", args=[application.pk])).content.decode()
    assert "Checking has not started yet. It will start automatically" in waiting
    assert queue_unchecked_forms() == 1
    assert broker.tasks() == [(VALIDATE, repr((form.pk,)))]

    workers.start()
    wait_for(lambda: task_statuses(VALIDATE, form.pk), timeout=30, what="the worker to check the form")
    wait_for(lambda: not broker.tasks() and not broker.tasks(UNACKED), timeout=5, what="the queue to empty")
    form.refresh_from_db()
    assert form.validation_status == VariableRequestForm.Validation.PASSED
    assert form.result["valid"] is True
    assert task_statuses(VALIDATE, form.pk) == ["SUCCESS"]
    # Checked forms are not queued again, however often the sweeper runs.
    assert queue_unchecked_forms() == 0
    assert broker.tasks() == []
    page = client.get(reverse("applications:data", args=[application.pk])).content.decode()
    assert "Your form passed the checks" in page
    storage.check_kept_in_the_bucket(form.file.name)


def test_a_declaration_signed_while_redis_is_down_gets_its_document_once_when_it_is_back(broker, workers, storage):
    people = People.create()
    application, member = application_with_member()
    advance(application, State.ACCREDITED, people)
    declaration = Declaration.objects.get(application=application, member=member)
    text = current_text()
    client = Client(raise_request_exception=False)
    client.force_login(member)

    broker.stop()
    started = time.monotonic()
    response = client.post(
        reverse("declarations:sign", args=[application.pk]),
        {f"clause_{n}": "on" for n in range(1, len(text.clauses) + 1)}
        | {"typed_name": member.full_name, "code": totp_code(), "text_sha256": text.sha256},
        follow=True,
    )
    took = time.monotonic() - started

    assert response.status_code == 200
    assert took < PROMPT
    assert "You have signed your Individual Declaration" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.signed_at is not None
    assert not SignedDeclarationDocument.objects.filter(declaration=declaration).exists()

    broker.start()
    assert queue_missing_documents() == 0
    Declaration.objects.filter(pk=declaration.pk).update(signed_at=timezone.now() - UNQUEUED_AFTER)
    assert queue_missing_documents() == 1
    assert broker.tasks() == [(MAKE_DOCUMENT, repr((declaration.pk,)))]

    workers.start()
    wait_for(lambda: task_statuses(MAKE_DOCUMENT, declaration.pk), timeout=60, what="the worker to make the document")
    assert SignedDeclarationDocument.objects.filter(declaration=declaration).count() == 1
    assert application.events.filter(kind="declaration_document_signed").count() == 1
    assert task_statuses(MAKE_DOCUMENT, declaration.pk) == ["SUCCESS"]
    assert queue_missing_documents() == 0
    document = SignedDeclarationDocument.objects.get(declaration=declaration)
    assert hashlib.sha256(storage.read(document.file.name)).hexdigest() == document.sha256
    storage.check_kept_in_the_bucket(document.file.name)


def test_a_hung_redis_holds_an_upload_no_longer_than_the_broker_socket_timeout(broker):
    """A server that accepts connections but never answers (frozen, or a half-open connection)."""
    ensure_demo_catalogue()
    application = ApplicationFactory(form=False)
    client = Client(raise_request_exception=False)
    client.force_login(coordinator_of(application))
    limit = settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"]

    broker.freeze()
    response, took = upload_page(client, application, filled_form(application.reference))

    assert response.status_code == 200
    assert "Checking will start shortly" in response.content.decode()
    # One attempt, cut off by the socket timeout; Celery's default publish retries would take three times as long.
    assert took < limit + 2
    assert VariableRequestForm.objects.filter(application=application, validation_status="pending").count() == 1


def test_notifications_queued_while_redis_is_down_wait_for_the_sweeper_without_holding_the_page(broker):
    from notifications.models import Message
    from notifications.outbox import queue_delivery

    member = coordinator_of(ApplicationFactory(form=False))
    messages = [
        Message.objects.create(
            key=f"outage-{n}", recipient=member.email, user=member, template="submitted", subject="x"
        )
        for n in range(5)
    ]
    broker.stop()
    started = time.monotonic()
    queue_delivery([message.pk for message in messages])
    assert time.monotonic() - started < PROMPT
    assert set(Message.objects.filter(key__startswith="outage-").values_list("state", flat=True)) == {"pending"}
    broker.start()
    queue_delivery([messages[0].pk])
    assert broker.tasks() == [("notifications.tasks.deliver", repr((messages[0].pk,)))]
