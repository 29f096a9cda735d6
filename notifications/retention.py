"""Forgetting messages whose keeping period has passed (beat runs `notifications.tasks.purge_old_messages`).

A message is at once a person's notification and the outbox's record of its e-mail. Once delivered (sent, or
sent in a digest) it is kept `NOTIFICATION_KEEP_DAYS`; once given up, `NOTIFICATION_FAILED_KEEP_DAYS`. Messages
still owed (pending, being sent, held for a digest) are never removed. Reminders are not sent again: whether a
reminder ran is kept apart, in `ReminderRun`.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Message

DELIVERED = (Message.State.SENT, Message.State.IN_DIGEST)
BATCH = 5000


def expired(now=None) -> Q:
    now = now or timezone.now()
    return Q(state__in=DELIVERED, created_at__lt=now - timedelta(days=settings.NOTIFICATION_KEEP_DAYS)) | Q(
        state=Message.State.FAILED, created_at__lt=now - timedelta(days=settings.NOTIFICATION_FAILED_KEEP_DAYS)
    )


def purge_old_messages(*, now=None, batch: int = BATCH, budget_seconds: float = 240) -> int:
    """Delete expired messages in batches, each its own short transaction, until none is left or the time budget
    is spent (the next run carries on). Running it again deletes nothing more. Returns how many were deleted."""
    condition = expired(now)
    deadline = time.monotonic() + budget_seconds
    deleted = 0
    while True:
        ids = list(Message.objects.filter(condition).order_by().values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += Message.objects.filter(condition, pk__in=ids).delete()[0]
        if time.monotonic() >= deadline:
            return deleted
