from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .models import Message, Preference


def mark_read(*, message_id: int, by) -> Message:
    """A person opens their own notification; it stays read."""
    message = Message.objects.filter(pk=message_id, user=by).first()
    if message is None:
        raise PermissionDenied
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        message.refresh_from_db(fields=["read_at"])
    return message


def mark_all_read(*, by) -> int:
    return Message.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())


def set_preference(*, by, queue_arrivals: str) -> Preference:
    preference, _ = Preference.objects.update_or_create(user=by, defaults={"queue_arrivals": queue_arrivals})
    return preference
