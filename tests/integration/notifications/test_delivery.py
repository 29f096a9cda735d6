"""Sending: at most once, retried while the server is down."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from notifications import outbox
from notifications.models import Message
from notifications.tasks import deliver, send_pending
from tests.lifecycle import People, advance, application_with_member
from tests.smtp import SmtpServer, free_port


@pytest.fixture
def message(db):
    people = People.create()
    application, _ = application_with_member()
    application = advance(application, "ras_check", people)
    (first, *_) = outbox.record_event(application.events.get(kind="submitted").pk)
    return first


def test_recording_twice_finds_the_first_message(message):
    again = outbox.record_event(message.application.events.get(kind="submitted").pk)
    assert message.pk in [m.pk for m in again]
    assert Message.objects.filter(recipient=message.recipient, template=message.template).count() == 1


def test_a_delivery_run_twice_sends_once(message):
    deliver(message.pk)
    deliver(message.pk)
    assert [m.to for m in mail.outbox] == [[message.recipient]]
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert message.attempts == 1


def test_a_message_whose_worker_died_while_sending_is_not_sent_again(message):
    # The claim commits before the SMTP conversation; a worker killed after it leaves `sending`.
    assert outbox._claim(message.pk) is not None
    assert deliver(message.pk) == Message.State.SENDING
    assert send_pending() == 0
    assert mail.outbox == []


def test_with_the_server_down_the_message_stays_pending_and_goes_when_it_returns(message, settings):
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    with pytest.raises(outbox.NotSent):
        outbox.send(message.pk)
    message.refresh_from_db()
    assert message.state == Message.State.PENDING
    assert message.attempts == 1
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()

    server.start()
    try:
        assert outbox.send(message.pk) is True
    finally:
        server.stop()
    (received,) = server.to(message.recipient)
    assert received["Subject"] == message.subject
    assert received.get_body(("plain",)).get_content().startswith(message.context["reference"])
    assert message.context["title"] in received.get_body(("html",)).get_content()
    message.refresh_from_db()
    assert message.state == Message.State.SENT


def test_a_message_is_given_up_after_the_configured_attempts(message, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    for _ in range(2):
        with pytest.raises(outbox.NotSent):
            outbox.send(message.pk)
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert outbox.send(message.pk) is False


def test_the_sweeper_queues_messages_nobody_queued_once_the_retry_delay_has_passed(message, monkeypatch, settings):
    # As when the broker was down as the transition committed: recorded, never attempted.
    queued = []
    monkeypatch.setattr(outbox, "queue_delivery", queued.extend)
    assert send_pending() == 0
    later = message.created_at + timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert send_pending() == 3
    assert message.pk in queued
    deliver(message.pk)
    queued.clear()
    with time_machine.travel(later, tick=False):
        assert send_pending() == 2
    assert message.pk not in queued
