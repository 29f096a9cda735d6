from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse

from leo_access.roles import Role
from notifications import outbox
from notifications.recipients import Recipient


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
