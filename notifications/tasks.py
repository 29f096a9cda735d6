from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import outbox
from .models import Message


def backoff(retries: int) -> int:
    return min(settings.NOTIFICATION_RETRY_SECONDS * 2**retries, settings.NOTIFICATION_RETRY_MAX_SECONDS)


@shared_task(name="notifications.tasks.notify_event", time_limit=120, soft_time_limit=100)
def notify_event(event_id: int) -> int:
    """Record an event's messages and send those pending. Safe to run twice: returns how many went now."""
    return outbox.send_or_queue(outbox.record_event(event_id))


@shared_task(bind=True, name="notifications.tasks.deliver", time_limit=60, soft_time_limit=50, max_retries=8)
def deliver(self, message_id: int) -> str:
    """Send one message; retried with growing delays while the server is unreachable."""
    try:
        outbox.send(message_id)
    except outbox.NotSent as error:
        if self.request.retries >= self.max_retries:
            return "pending"  # the sweeper keeps trying
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error
    return Message.objects.filter(pk=message_id).values_list("state", flat=True).first() or "missing"


@shared_task(name="notifications.tasks.send_pending", time_limit=120, soft_time_limit=100)
def send_pending() -> int:
    """Queue messages left pending (broker down when recorded, or retries used up)."""
    quiet = timezone.now() - timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS)
    ids = list(
        Message.objects.filter(state=Message.State.PENDING, created_at__lt=quiet)
        .filter(last_attempt_at__isnull=True)
        .values_list("pk", flat=True)[:500]
    ) + list(
        Message.objects.filter(state=Message.State.PENDING, last_attempt_at__lt=quiet).values_list("pk", flat=True)[
            :500
        ]
    )
    outbox.queue_delivery(ids)
    return len(ids)


@shared_task(name="notifications.tasks.purge_old_messages", time_limit=600, soft_time_limit=540)
def purge_old_messages() -> int:
    """Delete messages past their keeping period; stops well inside its time limit and carries on next run."""
    from .retention import purge_old_messages as purge

    return purge(budget_seconds=240)


@shared_task(name="notifications.tasks.send_digests", time_limit=300, soft_time_limit=240)
def send_digests() -> int:
    from .reminders import send_digests as run

    return run()


@shared_task(name="notifications.tasks.send_reminders", time_limit=600, soft_time_limit=540)
def send_reminders() -> dict:
    from .reminders import run_all

    return run_all()
