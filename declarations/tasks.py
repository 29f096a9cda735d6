from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from leo_access.roles import Role

from .models import DeclarationEmailSent


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
    declaration = document.declaration
    application = declaration.application
    link = settings.SITE_URL + reverse("declarations:document", args=[declaration.pk])
    ras = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.RAS_OFFICER.value)
        .values_list("email", flat=True)
        .distinct()
    )
    who = declaration.member.full_name or declaration.member.email
    recipients = [
        (declaration.member.email, "Your signed Individual Declaration is ready", "Your Individual Declaration"),
        *[(email, f"{who} signed their Individual Declaration", f"{who}'s Individual Declaration") for email in ras],
    ]
    for recipient, subject, what in recipients:
        body = (
            f"{application.reference}: {application.title}\n\n{subject}.\n\n"
            f"{what} (document {document.document_number}) is signed and stored. Sign in to download it:\n"
            f"{link}\n\nSHA-256 of the PDF: {document.sha256}\n"
        )
        try:
            with transaction.atomic():
                DeclarationEmailSent.objects.create(document=document, recipient=recipient)
                send_mail(f"{application.reference}: {subject}", body, None, [recipient])
        except IntegrityError:
            continue  # sent by an earlier run
