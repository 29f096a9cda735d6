"""Messages past their keeping period are purged by beat's task; messages still owed never are."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Message
from notifications.retention import purge_old_messages
from notifications.tasks import purge_old_messages as purge_task

pytestmark = pytest.mark.django_db

State = Message.State


def message(name, state, days_old):
    row = Message.objects.create(
        key=name, recipient=f"{name}@example.org", template="t", subject="s", url="/", state=state
    )
    Message.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return name


@pytest.fixture
def periods(settings):
    settings.NOTIFICATION_KEEP_DAYS = 365
    settings.NOTIFICATION_FAILED_KEEP_DAYS = 90


def left():
    return set(Message.objects.values_list("key", flat=True))


@pytest.mark.usefixtures("periods")
def test_the_beat_task_purges_delivered_and_given_up_messages_past_their_periods():
    gone = {
        message("sent-old", State.SENT, 366),
        message("digest-old", State.IN_DIGEST, 400),
        message("failed-old", State.FAILED, 91),
    }
    kept = {
        message("sent-recent", State.SENT, 364),
        message("failed-recent", State.FAILED, 89),
        message("pending-old", State.PENDING, 800),
        message("sending-old", State.SENDING, 800),
        message("held-old", State.HELD, 800),
    }
    assert purge_task.apply().get() == len(gone)
    assert left() == kept
    assert purge_task.apply().get() == 0
    assert left() == kept


def test_the_periods_come_from_the_settings(settings):
    settings.NOTIFICATION_KEEP_DAYS = 10
    settings.NOTIFICATION_FAILED_KEEP_DAYS = 400
    message("sent", State.SENT, 11)
    message("failed", State.FAILED, 300)
    assert purge_old_messages() == 1
    assert left() == {"failed"}


@pytest.mark.usefixtures("periods")
def test_a_long_purge_goes_in_batches_and_stops_at_its_time_budget():
    for i in range(5):
        message(f"old-{i}", State.SENT, 500)
    assert purge_old_messages(batch=2, budget_seconds=0) == 2  # the budget is spent after the first batch
    assert len(left()) == 3
    assert purge_old_messages(batch=2) == 3  # the next run carries on, batch after batch
    assert left() == set()
