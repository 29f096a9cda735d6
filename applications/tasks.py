from celery import shared_task
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from .models import ApplicationEvent, NotificationSent
from .notifications import messages_for


@shared_task(name="applications.tasks.notify_event", time_limit=120, soft_time_limit=100)
def notify_event(event_id: int) -> int:
    """E-mail the people an event concerns. Safe to run twice: each recipient is e-mailed once."""
    event = ApplicationEvent.objects.select_related("application").get(pk=event_id)
    sent = 0
    for message in messages_for(event):
        try:
            with transaction.atomic():
                NotificationSent.objects.create(event=event, recipient=message.recipient)
                send_mail(message.subject, message.body, None, [message.recipient])
        except IntegrityError:
            continue  # already sent by an earlier run
        sent += 1
    return sent


@shared_task(
    name="applications.tasks.validate_variable_request_form",
    time_limit=180,
    soft_time_limit=150,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def validate_variable_request_form(form_id: int) -> str:
    """Check an uploaded form; the result is stored on the upload. Running it twice changes nothing."""
    from .validation import validate_form

    return validate_form(form_id).validation_status
