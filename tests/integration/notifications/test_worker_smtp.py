"""A real worker sends through a real SMTP server on 127.0.0.1, and rides out an outage."""

import time

import pytest
from django.urls import reverse

from applications.services import submit_application
from notifications.models import Message
from tests.factories import coordinator_of
from tests.lifecycle import People, application_with_member

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_worker_e_mails_everyone_a_transition_concerns(celery_worker, smtp_server):
    people = People.create()
    application, member = application_with_member()
    coordinator = coordinator_of(application)

    submit_application(application_id=application.pk, by=coordinator)

    addresses = [coordinator.email, member.email, people.ras.email]
    assert smtp_server.wait_for(addresses), [m["To"] for _, m in smtp_server.inbox]
    (arrival,) = smtp_server.to(people.ras.email)
    assert arrival["Subject"] == f"{application.reference}: An application has arrived in your queue"
    assert f"/reviews/applications/{application.pk}/" in arrival.get_body(("plain",)).get_content()
    assert application.title in arrival.get_body(("html",)).get_content()
    assert wait_until(lambda: Message.objects.filter(application=application, state="sent").count() == 3)
    assert len(smtp_server.to(member.email)) == 1


def test_with_smtp_down_the_page_works_and_the_messages_go_when_it_returns(client, celery_worker, smtp_server):
    people = People.create()
    application, member = application_with_member()
    coordinator = coordinator_of(application)
    client.force_login(coordinator)

    smtp_server.stop()
    try:
        response = client.post(reverse("applications:submit", args=[application.pk]), {"expected_state": "draft"})
        assert response.status_code == 302
        messages = Message.objects.filter(application=application)
        assert messages.count() == 3  # recorded when the transition committed
        # The worker tries, fails, and leaves them pending for another try.
        assert wait_until(lambda: messages.filter(attempts__gte=1, state="pending").count() == 3)
        assert not smtp_server.to(coordinator.email)
    finally:
        smtp_server.start()

    assert smtp_server.wait_for([coordinator.email, member.email, people.ras.email], timeout=40)
    assert wait_until(lambda: messages.filter(state="sent").count() == 3)
    assert len(smtp_server.to(people.ras.email)) == 1
