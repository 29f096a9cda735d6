"""Individual Declarations: the texts, opening the tasks, signing, withdrawing, and the signed documents."""

from collections.abc import Iterable
from datetime import UTC

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications import clock, lifecycle
from applications.conditions import blocking_conditions, blocking_problems
from applications.errors import GuardFailed, InvalidInput, NotPermitted, StaleState
from applications.member_access.services import open_member_access
from applications.models import Application
from applications.rules import Problem, member_problems
from applications.selectors import current_member_facts, member_facts
from applications.states import State
from leo_access.actors import SYSTEM

from .models import Declaration, DeclarationText, SignedDeclarationDocument, text_digest

# The first version of the wording (domain notes, section 6). Later versions are published by admins.
FIRST_TEXT_TITLE = "Individual Declaration"
FIRST_TEXT_CLAUSES = [
    "I will use the data only for the accredited project named above, and for no other purpose.",
    "I will keep the data confidential and will not share it with anyone who is not accredited for this project.",
    "I will never try to identify any person, household or establishment in the data.",
    "I will not link the data to any other data beyond the linking approved for this project.",
    "I will submit every output for the service's statistical disclosure checks before it is released.",
    "I will respect every condition attached to the data and to this project's accreditation.",
    "I will report any suspected breach of security or confidentiality to the service at once.",
    "I will acknowledge the Department for Education, HM Revenue and Customs and the Department for Work and "
    "Pensions as the sources of the data in everything I publish.",
    "I will destroy all pre-publication outputs when the project ends.",
    "I accept the sanctions for misuse, and understand that disclosing the data outside the legal gateways is a "
    "criminal offence under the Digital Economy Act 2017.",
]


def normalise_name(name: str) -> str:
    """The name as written, spaces aside: case is part of how a name is written, so it must match too."""
    return " ".join(name.split())


def clean_clauses(clauses: Iterable[str]) -> list[str]:
    return [" ".join(clause.split()) for clause in clauses if clause and clause.strip()]


# Texts ------------------------------------------------------------------------------------


def ensure_first_text() -> DeclarationText:
    """The published first version, created once if no version exists yet."""
    text = DeclarationText.objects.filter(published_at__isnull=False).order_by("-version").first()
    if text:
        return text
    at = clock.now()
    try:
        with transaction.atomic():
            text, _ = DeclarationText.objects.get_or_create(
                version=1,
                defaults={
                    "title": FIRST_TEXT_TITLE,
                    "clauses": FIRST_TEXT_CLAUSES,
                    "sha256": text_digest(version=1, title=FIRST_TEXT_TITLE, clauses=FIRST_TEXT_CLAUSES),
                    "published_at": at,
                },
            )
    except IntegrityError:  # created by a concurrent caller
        text = DeclarationText.objects.get(version=1)
    if not text.published_at:
        raise GuardFailed("Version 1 of the declaration text is a draft; publish it before declarations open.")
    return text


def current_text() -> DeclarationText:
    """The newest published text: what newly opened declarations are signed against."""
    return DeclarationText.objects.filter(published_at__isnull=False).order_by("-version").first() or (
        ensure_first_text()
    )


def create_text_draft(*, by, title: str, clauses: Iterable[str]) -> DeclarationText:
    """A new version, as a draft; the version number follows the newest one."""
    lifecycle.authorise(by, "declaration_text.manage", None)
    clauses = clean_clauses(clauses)
    if not title.strip() or not clauses:
        raise InvalidInput("Enter a title and at least one clause.")
    with transaction.atomic():
        last = DeclarationText.objects.select_for_update().order_by("-version").first()
        return DeclarationText.objects.create(
            version=(last.version if last else 0) + 1, title=title.strip(), clauses=clauses, created_by=by
        )


def update_text_draft(*, text_id, by, title: str, clauses: Iterable[str]) -> DeclarationText:
    lifecycle.authorise(by, "declaration_text.manage", None)
    clauses = clean_clauses(clauses)
    if not title.strip() or not clauses:
        raise InvalidInput("Enter a title and at least one clause.")
    with transaction.atomic():
        text = DeclarationText.objects.select_for_update().get(pk=text_id)
        if text.published_at:
            raise InvalidInput("A published version cannot be changed. Create a new version instead.")
        text.title = title.strip()
        text.clauses = clauses
        text.save(update_fields=["title", "clauses"])
    return text


def publish_text(*, text_id, by) -> DeclarationText:
    """Fix the wording for ever and hash it. Declarations opened from now on use this version."""
    lifecycle.authorise(by, "declaration_text.manage", None)
    with transaction.atomic():
        text = DeclarationText.objects.select_for_update().get(pk=text_id)
        if text.published_at:
            raise InvalidInput(f"Version {text.version} is already published.")
        if not text.clauses:
            raise InvalidInput("A text needs at least one clause before it is published.")
        text.sha256 = text.computed_sha256()
        text.published_at = clock.now()
        text.published_by = by
        text.save(update_fields=["sha256", "published_at", "published_by"])
    return text


# Declarations -----------------------------------------------------------------------------


def open_declarations(application: Application, user_ids=None):
    """A signing task for every current team member, or for those of `user_ids` (members an amendment added to a
    live project), against the current text. Called inside the accrediting or approving transaction."""
    at = clock.now()
    text = current_text()
    members = application.current_members().select_related("user")
    if user_ids is not None:
        members = members.filter(user_id__in=user_ids)
    Declaration.objects.bulk_create(
        [Declaration(application=application, member=member.user, opened_at=at, text=text) for member in members]
    )


def unsigned_members(application: Application) -> list[str]:
    """Current team members without a signed declaration (names, for messages)."""
    signed = set(
        application.declarations.filter(withdrawn_at__isnull=True, signed_at__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    return [
        member.user.full_name or member.email
        for member in application.current_members().select_related("user")
        if member.user_id not in signed
    ]


def _grant(application: Application, *, by):
    missing = unsigned_members(application)
    if missing:
        raise GuardFailed(
            "Access can only be granted once every team member has signed their declaration.",
            problems=[Problem("declaration_unsigned", f"{name} has not signed yet.") for name in missing],
        )
    conditions = blocking_problems(application)
    if conditions:
        raise GuardFailed(
            "Access can only be granted once every condition to be met before access is met or waived.",
            problems=conditions,
        )
    lifecycle.apply(application, "grant_access", by=by, action="application.grant_access", kind="access_granted")
    open_member_access(application, by=by)


def grant_when_ready(application: Application) -> bool:
    """Grant access automatically, on the locked application, once every current member has signed and no
    before-access condition is open: after the last signature, a withdrawal, or the last condition met or waived."""
    ready = (
        application.state == State.ACCREDITED
        and application.current_members().exists()
        and not unsigned_members(application)
        and not blocking_conditions(application).exists()
    )
    if ready:
        _grant(application, by=SYSTEM)
    return ready


def grant_access(*, application_id, by, expected_state: str | None = State.ACCREDITED) -> Application:
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.grant_access", application)
        _grant(application, by=by)
    return application


def sign_declaration(
    *,
    declaration_id,
    by,
    typed_name: str | None = None,
    confirmed_clauses: Iterable[int] | None = None,
    text_sha256: str | None = None,
    confirmed_with: str = Declaration.ConfirmedWith.NONE,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Declaration:
    """Record a member's signature; the last signature grants access automatically.

    The signing page always passes the typed name, every clause number it confirmed, the text hash it
    showed and how the person re-confirmed who they are. Code that signs on a member's behalf (demo
    histories, tests) may leave them out; the record then says it was not confirmed in a browser.
    The signed PDF is made by a worker after the transaction commits.
    """
    with transaction.atomic():
        application_id = Declaration.objects.values_list("application_id", flat=True).get(pk=declaration_id)
        application = lifecycle.lock(application_id)
        declaration = Declaration.objects.select_for_update(of=("self",)).select_related("text").get(pk=declaration_id)
        if declaration.member_id != getattr(by, "pk", None):
            raise NotPermitted("You can only sign your own declaration.")
        lifecycle.authorise(by, "declaration.sign", application)
        # A member who joined a live project by amendment signs while the project runs; their access starts then.
        lifecycle.ensure_state(application, None, State.ACCREDITED, State.ACCESS_GRANTED)
        if declaration.withdrawn_at:
            raise StaleState("This declaration is no longer needed.", current_state=application.state)
        if declaration.signed_at:
            raise StaleState("You have already signed this declaration.", current_state=application.state)
        # The rules of submission again: accreditation may have lapsed, or a supervisor moved, since then.
        facts = member_facts(application.team_members.select_related("user__researcher_profile").get(user=by))
        problems = member_problems(
            facts, current_member_facts(application), application.end_date, timezone.localdate(clock.now())
        )
        if problems:
            raise GuardFailed("You cannot sign while your accreditation does not cover the project.", problems=problems)
        text = declaration.text or current_text()
        if text_sha256 is not None and text_sha256 != text.sha256:
            raise StaleState(
                "The declaration's wording is not the one you were shown. Read it again before you sign.",
                current_state=application.state,
            )
        if typed_name is not None:
            expected = (by.full_name or "").strip()
            if not expected:
                raise GuardFailed("Add your full name to your profile, as it appears on your accreditation.")
            if normalise_name(typed_name) != normalise_name(expected):
                raise InvalidInput("Type your full name exactly as it is written in your profile, capitals included.")
        if confirmed_clauses is not None:
            confirmed = sorted(set(confirmed_clauses))
            if confirmed != list(range(1, len(text.clauses) + 1)):
                raise InvalidInput("Confirm every statement in the declaration before you sign.")
        elif typed_name is not None:
            raise InvalidInput("Confirm every statement in the declaration before you sign.")
        declaration.text = text
        declaration.text_sha256 = text.sha256
        declaration.typed_name = " ".join((typed_name or "").split())
        declaration.confirmed_clauses = sorted(set(confirmed_clauses or []))
        declaration.confirmed_with = confirmed_with
        declaration.ip_address = ip_address or None
        declaration.user_agent = (user_agent or "")[:1000]
        declaration.signed_at = clock.now()
        declaration.accreditation_reference = facts.accreditation_reference
        declaration.save()
        lifecycle.record(
            application,
            kind="declaration_signed",
            by=by,
            role="researcher",
            data={"declaration_id": declaration.pk, "text_version": text.version, "text_sha256": text.sha256},
        )
        if application.state == State.ACCESS_GRANTED:
            open_member_access(application, by=SYSTEM, user_ids=[by.pk])
        else:
            grant_when_ready(application)
        transaction.on_commit(lambda: _queue_document(declaration.pk))
    return declaration


def _queue_document(declaration_id: int):
    # Runs after the signature commits, so a broker outage must not fail the page: a document that could not be
    # queued is queued by the sweeper (declarations.tasks.queue_missing_documents).
    from .tasks import queue_document

    queue_document(declaration_id)


def withdraw_pending_declarations(*, application_id, user_id, by=SYSTEM) -> int:
    """Withdraw a removed member's unsigned declaration; if everyone left has signed, access follows.

    Runs when a membership stops being current, from the `TeamMember` signal in `signals.py`.
    """
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        if application.state != State.ACCREDITED:
            return 0
        pending = list(
            Declaration.objects.select_for_update().filter(
                application=application, member_id=user_id, withdrawn_at__isnull=True, signed_at__isnull=True
            )
        )
        # Someone who rejoined the team keeps their task.
        if not pending or application.current_members().filter(user_id=user_id).exists():
            return 0
        at = clock.now()
        for declaration in pending:
            declaration.withdrawn_at = at
            declaration.save(update_fields=["withdrawn_at"])
            lifecycle.record(
                application,
                kind="declaration_withdrawn",
                by=by,
                role="system",
                comment="The member left the team before access was granted.",
                data={"declaration_id": declaration.pk},
            )
        grant_when_ready(application)
    return len(pending)


# Signed documents -------------------------------------------------------------------------


def document_context(declaration: Declaration) -> dict:
    application = declaration.application
    text = declaration.text
    return {
        "reference": application.reference,
        "project_title": application.title,
        "member_name": declaration.member.full_name or declaration.member.email,
        "typed_name": declaration.typed_name,
        "accreditation_reference": declaration.accreditation_reference,
        "text_title": text.title,
        "text_version": text.version,
        "clauses": text.clauses,
        "text_sha256": declaration.text_sha256,
        "signed_at_utc": declaration.signed_at.astimezone(UTC).strftime("%-d %B %Y, %H:%M:%S UTC"),
        "confirmed_with": declaration.get_confirmed_with_display(),
        "document_number": declaration.document_number,
    }


def store_signed_document(*, declaration_id, by=SYSTEM) -> tuple[SignedDeclarationDocument, bool]:
    """Render, sign and store the PDF of a signature, once. Returns (document, created)."""
    from . import pdf
    from .signing_keys import service_certificate_fingerprint

    if by is not SYSTEM:
        raise NotPermitted("Signed declaration documents are made by the service itself.")
    existing = SignedDeclarationDocument.objects.filter(declaration_id=declaration_id).first()
    if existing:
        return existing, False
    declaration = Declaration.objects.select_related("application", "member", "text").get(pk=declaration_id)
    if not declaration.signed_at:
        raise GuardFailed("Only a signed declaration has a document.")
    number = declaration.document_number
    signed = pdf.sign_pdf(
        pdf.render_pdf(pdf.render_html(document_context(declaration))),
        document_number=number,
        signer_name=declaration.member.full_name or declaration.member.email,
    )
    digest = pdf.sha256(signed)
    with transaction.atomic():
        # The row lock makes a concurrent run wait here and then find the first run's document.
        Declaration.objects.select_for_update().get(pk=declaration_id)
        existing = SignedDeclarationDocument.objects.filter(declaration_id=declaration_id).first()
        if existing:
            return existing, False
        document = SignedDeclarationDocument(
            declaration=declaration,
            document_number=number,
            sha256=digest,
            size=len(signed),
            certificate_sha256=service_certificate_fingerprint(),
        )
        document.file.save(f"{number}-{digest[:12]}.pdf", ContentFile(signed), save=False)
        document.save()
        lifecycle.record(
            declaration.application,
            kind="declaration_document_signed",
            by=SYSTEM,
            role="system",
            data={"declaration_id": declaration.pk, "document_number": number, "sha256": digest},
        )
    return document, True
