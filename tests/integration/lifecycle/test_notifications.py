import pytest
from django.db import transaction

from applications.services import submit_application
from applications.states import State
from notifications.models import Message
from notifications.tasks import notify_event
from tests.factories import coordinator_of
from tests.lifecycle import People, advance, application_with_member


@pytest.mark.django_db
def test_an_event_emails_the_team_and_the_next_stage_once_even_if_the_task_runs_twice(mailoutbox):
    people = People.create()
    application, member = application_with_member()
    application = advance(application, State.RAS_CHECK, people)
    event = application.events.get(kind="submitted")

    first = notify_event(event.pk)
    second = notify_event(event.pk)

    recipients = sorted(message.to[0] for message in mailoutbox)
    assert recipients == sorted([coordinator_of(application).email, member.email, people.ras.email])
    assert (first, second) == (3, 0)
    assert all(application.reference in message.subject for message in mailoutbox)
    assert all(f"/applications/{application.pk}/" in message.body for message in mailoutbox)
    assert Message.objects.filter(key__startswith=f"event:{event.pk}:", state=Message.State.SENT).count() == 3


@pytest.mark.django_db
def test_a_transition_records_and_queues_its_notifications_only_when_it_commits(django_capture_on_commit_callbacks):
    application, _ = application_with_member()
    coordinator = coordinator_of(application)

    with django_capture_on_commit_callbacks() as rolled_back:
        try:
            with transaction.atomic():
                submit_application(application_id=application.pk, by=coordinator)
                raise RuntimeError("something after the transition failed")
        except RuntimeError:
            pass
    assert rolled_back == []
    assert not Message.objects.exists()

    with django_capture_on_commit_callbacks(execute=True) as committed:
        submit_application(application_id=application.pk, by=coordinator)
    assert len(committed) == 1
    assert set(Message.objects.values_list("template", flat=True)) == {"submitted"}
    assert Message.objects.filter(application=application, recipient=coordinator.email).exists()
