from datetime import datetime, time, timedelta

from django.utils import timezone

from .models import AuditEvent


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def search(*, user: str = "", application: str = "", kind: str = "", date_from=None, date_to=None):
    """Audit events matching every filter given, newest first. Dates are whole local days, both inclusive."""
    events = AuditEvent.objects.all()
    if user:
        events = events.filter(actor_email__icontains=user.strip())
    if application:
        events = events.filter(application_reference__iexact=application.strip())
    if kind:
        events = events.filter(kind=kind)
    if date_from:
        events = events.filter(at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    return events.order_by("-at", "-id")
