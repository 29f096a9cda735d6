"""Recording messages, then sending each one at most once.

A message is a row first (state `pending`). Sending claims it (`sending`) in a committed
transaction before talking to the SMTP server, and marks it `sent` afterwards. If the worker
dies between the two the row stays `sending` and is never picked up again: a message possibly
sent is not sent twice. If the server cannot be reached nothing was sent, so the row goes back
to `pending` and is tried again later.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from applications.models import ApplicationEvent

from . import recipients
from .catalogue import KINDS
from .models import Message, Preference

logger = logging.getLogger(__name__)


class NotSent(Exception):
    """The SMTP server could not be reached or refused the message; it can be tried again."""


def wants_digest(user) -> bool:
    if user is None:
        return False
    return Preference.objects.filter(user=user, queue_arrivals=Preference.QueueArrivals.DIGEST).exists()


def record(*, key: str, template: str, recipient, path: str, application=None, context=None) -> Message:
    """The message for this key, created once. Context holds only what the templates show."""
    kind = KINDS[template]
    context = dict(context or {})
    context.update(recipient.extra)
    if application is not None:
        context.update(reference=application.reference, title=application.title)
    subject = f"{context['reference']}: {kind.subject}" if "reference" in context else kind.subject
    state = Message.State.HELD if kind.arrival and wants_digest(recipient.user) else Message.State.PENDING
    defaults = {
        "recipient": recipient.email,
        "user": recipient.user if getattr(recipient.user, "pk", None) else None,
        "application": application,
        "template": template,
        "context": context,
        "subject": subject,
        "url": path,
        "state": state,
    }
    try:
        with transaction.atomic():
            message, _ = Message.objects.get_or_create(key=key[:255], defaults=defaults)
    except IntegrityError:
        # Another process recorded the same key between our read and our insert.
        message = Message.objects.get(key=key[:255])
    return message


def record_event(event_id: int) -> list[Message]:
    """Record every message an event causes. Running it again records nothing new."""
    event = ApplicationEvent.objects.select_related("application").get(pk=event_id)
    return [
        record(
            key=f"event:{event.pk}:{planned.template}:{planned.recipient.email.lower()}",
            template=planned.template,
            recipient=planned.recipient,
            path=planned.path,
            application=event.application,
        )
        for planned in recipients.for_event(event)
    ]


def queue_delivery(message_ids):
    """Ask a worker to send these; if the broker is down the sweeper finds them later."""
    from leo_access.queueing import queue_each

    from .tasks import deliver

    # One connection tried once: a broker outage must neither fail the page nor hold it for seconds per
    # message. The rows stay pending and the sweeper (send_pending) sends them.
    queue_each(deliver, message_ids)


def send_or_queue(messages) -> int:
    """From a worker: send the pending messages now; any the server refuses go to a retrying task."""
    from .tasks import backoff, deliver

    sent = 0
    for message in messages:
        if message.state != Message.State.PENDING:
            continue
        try:
            sent += send(message.pk)
        except NotSent:
            deliver.apply_async((message.pk,), countdown=backoff(0))
    return sent


def queue_after_commit(message_ids):
    ids = list(message_ids)
    transaction.on_commit(lambda: queue_delivery(ids))


def on_event_committed(sender, *, event_id, **kwargs):
    """Runs after the transition's transaction commits: record its messages, then queue them."""
    try:
        messages = record_event(event_id)
    except Exception:
        # The change is committed and the page must still answer; the worker records them instead.
        logger.exception("Could not record the notifications of event %s; asking a worker", event_id)
        from .tasks import notify_event

        try:
            notify_event.delay(event_id)
        except Exception:
            logger.exception("Could not queue the notifications of event %s", event_id)
        return
    queue_delivery([message.pk for message in messages if message.state == Message.State.PENDING])


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def render(message: Message) -> tuple[str, str]:
    context = message.context | {
        "url": site_url(message.url),
        "subject": message.subject,
        "accreditation_service_name": settings.ACCREDITATION_SERVICE_NAME,
        "accreditation_service_short_name": settings.ACCREDITATION_SERVICE_SHORT_NAME,
    }
    text = render_to_string(f"notifications/email/{message.template}.txt", context)
    html = render_to_string(f"notifications/email/{message.template}.html", context)
    return text, html


def _claim(message_id: int) -> Message | None:
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != Message.State.PENDING:
            return None
        message.state = Message.State.SENDING
        message.attempts += 1
        message.last_attempt_at = timezone.now()
        message.save(update_fields=["state", "attempts", "last_attempt_at"])
    return message


def send(message_id: int) -> bool:
    """Send one pending message. True if it was sent now; False if it was not pending.

    Raises NotSent when the server could not take it; the message is pending again.
    """
    message = _claim(message_id)
    if message is None:
        return False
    try:
        text, html = render(message)
        email = EmailMultiAlternatives(message.subject, text, None, [message.recipient])
        email.attach_alternative(html, "text/html")
        email.send()
    except (OSError, smtplib.SMTPException) as error:
        # Connection refused, timed out or the message refused: the server did not accept it.
        given_up = message.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        state = Message.State.FAILED if given_up else Message.State.PENDING
        Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
            state=state, last_error=f"{type(error).__name__}: {error}"[:1000]
        )
        raise NotSent(str(error)) from error
    Message.objects.filter(pk=message.pk).update(state=Message.State.SENT, sent_at=timezone.now(), last_error="")
    return True
