from datetime import timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from leo_access.queueing import queue_each, queue_once
from leo_access.roles import Role
from notifications import outbox
from notifications.recipients import Recipient

# A signature still without its document this long after signing was most likely never queued (the broker was
# down when it was signed). Before that, its message may simply be waiting behind others.
UNQUEUED_AFTER = timedelta(minutes=5)
# Only signatures this recent are swept. A broker outage is over long before this; older signatures without a
# document are generated histories (`seed_demo --applications`), which must not be rendered and e-mailed in bulk.
SWEEP_WITHIN = timedelta(days=7)
# Documents queued per sweep; the rest wait for the next one, so a sweep stays within its time limit.
SWEEP_BATCH = 200


@shared_task(
    name="declarations.tasks.make_signed_document",
    time_limit=120,
    soft_time_limit=100,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def make_signed_document(declaration_id: int) -> str:
    """Render, sign and store a signature's PDF, then send the download links.

    Safe to run again: the document is made once, and each recipient is e-mailed once.
    """
    from .services import store_signed_document

    document, _ = store_signed_document(declaration_id=declaration_id)
    _send_links(document)
    return document.sha256


def queue_document(declaration_id: int) -> bool:
    """Ask a worker to make a signature's PDF; False when the broker could not take it (the sweeper will)."""
    return queue_once(make_signed_document, declaration_id)


@shared_task(name="declarations.tasks.queue_missing_documents", time_limit=120, soft_time_limit=100)
def queue_missing_documents() -> int:
    """Queue the PDF of every signature left without one, such as one signed while the broker was down.

    Safe to run at any time: the task makes a document once however often it runs.
    Returns how many were queued.
    """
    from .models import Declaration

    now = timezone.now()
    waiting = list(
        Declaration.objects.filter(
            signed_at__gte=now - SWEEP_WITHIN,
            signed_at__lt=now - UNQUEUED_AFTER,
            document__isnull=True,
        )
        .order_by("signed_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return queue_each(make_signed_document, waiting)


def _send_links(document):
    """The member and the RAS are told the signed PDF is stored, through the notifications outbox."""
    declaration = document.declaration
    application = declaration.application
    path = reverse("declarations:document", args=[declaration.pk])
    ras = get_user_model().objects.filter(is_active=True, groups__name=Role.RAS_OFFICER.value).distinct()
    planned = [("declaration_signed", Recipient(declaration.member.email, declaration.member))]
    planned += [("declaration_signed_ras", Recipient(user.email, user)) for user in ras]
    messages = [
        outbox.record(
            key=f"declaration_document:{document.pk}:{template}:{recipient.email.lower()}",
            template=template,
            recipient=recipient,
            path=path,
            application=application,
            context={"document_number": document.document_number},
        )
        for template, recipient in planned
    ]
    outbox.send_or_queue(messages)
