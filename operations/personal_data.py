"""A subject access request: everything the service holds about one person, as a zip an admin hands to them.

This is the one place that reads a person's data across every app (accounts, applications, declarations,
notifications, the audit log, API tokens), so it sits in the top layer that may read all of them. Secrets are
never exported: API tokens give their names and dates (not the secret's hash), second factors their kind and
dates (not their keys), and the account's password hash is left out.
"""

import io
import json
import zipfile
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.models import ApiToken
from applications.models import ApplicationEvent, MemberAccess, TeamMember
from declarations.models import Declaration
from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.audit.services import record
from leo_access.files import StoredFileProblem, read_verified
from leo_access.models import ResearcherProfile
from leo_access.permissions import has_permission
from notifications.models import Message, Preference

# Each file of the zip and what it holds, written into its README.txt.
FILES = {
    "account.json": "The account: e-mail address, name, roles, when it was created and last signed in to, its "
    "e-mail addresses, the kinds of second factor set up (never their keys), the researcher profile "
    "(organisation and accreditation) and notification preferences.",
    "applications.json": "Each application the person was invited to or is on, with their role and the status of "
    "their membership, and each event in an application's history that they caused.",
    "declarations.json": "Each Individual Declaration opened for them and, where signed, what was signed, when, "
    "how it was confirmed, and the signed PDF's number and SHA-256.",
    "declarations/": "The signed declaration PDFs, named by document number, exactly as stored.",
    "notifications.json": "The messages sent or to be sent to them: subject, link, when recorded, sent and read.",
    "audit_events.json": "Security audit entries about them: sign-ins, failed sign-ins with their address, "
    "downloads and other actions they took, and exports of their personal data.",
    "api_tokens.json": "Their API tokens: name, scope, the first characters shown to tell them apart, and dates. "
    "Secrets are never kept, so none are included.",
    "member_access.json": "Their access to the data of each granted project: status, dates, suspensions and "
    "reinstatements with their reasons, and when and why it ended.",
}


@dataclass(frozen=True)
class PersonalDataExport:
    person: object
    filename: str
    content: bytes


def _dump(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def _account(person) -> dict:
    profile = ResearcherProfile.objects.filter(user=person).select_related("supervisor").first()
    preference = Preference.objects.filter(user=person).first()
    return {
        "id": person.pk,
        "email": person.email,
        "full_name": person.full_name,
        "is_active": person.is_active,
        "date_joined": person.date_joined,
        "last_login": person.last_login,
        "roles": sorted(person.groups.values_list("name", flat=True)),
        "email_addresses": list(EmailAddress.objects.filter(user=person).values("email", "verified", "primary")),
        "second_factors": [
            {"type": factor.type, "created_at": factor.created_at, "last_used_at": factor.last_used_at}
            for factor in Authenticator.objects.filter(user=person).order_by("pk")
        ],
        "researcher_profile": profile
        and {
            "organisation": profile.organisation,
            "accreditation_type": profile.accreditation_type,
            "accreditation_reference": profile.accreditation_reference,
            "accreditation_valid_from": profile.accreditation_valid_from,
            "accreditation_valid_until": profile.accreditation_valid_until,
            "supervisor_email": profile.supervisor.email if profile.supervisor else None,
        },
        "notification_preferences": preference and {"queue_arrivals": preference.queue_arrivals},
    }


def _applications(person) -> dict:
    memberships = TeamMember.objects.filter(Q(user=person) | Q(email__iexact=person.email)).select_related(
        "application"
    )
    events = ApplicationEvent.objects.filter(actor=person).select_related("application").order_by("at", "pk")
    return {
        "memberships": [
            {
                "application_reference": member.application.reference,
                "application_title": member.application.title,
                "application_state": member.application.state,
                "invited_as": member.email,
                "role": member.role,
                "status": member.status,
                "invited_at": member.invited_at,
                "responded_at": member.responded_at,
            }
            for member in memberships
        ],
        "events_they_caused": [
            {
                "application_reference": event.application.reference,
                "kind": event.kind,
                "as_role": event.actor_role,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "at": event.at,
                "comment": event.comment,
            }
            for event in events
        ],
    }


def _declarations(person, pdfs: dict[str, bytes]) -> list[dict]:
    """The declarations as JSON; each signed PDF read (and checked against its hash) into `pdfs`."""
    found = []
    declarations = Declaration.objects.filter(member=person).select_related("application", "document", "text")
    for declaration in declarations:
        entry = {
            "application_reference": declaration.application.reference,
            "declaration_version": declaration.text.version if declaration.text else None,
            "opened_at": declaration.opened_at,
            "signed_at": declaration.signed_at,
            "withdrawn_at": declaration.withdrawn_at,
            "accreditation_reference": declaration.accreditation_reference,
            "typed_name": declaration.typed_name,
            "confirmed_clauses": declaration.confirmed_clauses,
            "confirmed_with": declaration.confirmed_with,
            "text_sha256": declaration.text_sha256,
            "ip_address": declaration.ip_address,
            "user_agent": declaration.user_agent,
            "signed_pdf": None,
        }
        document = getattr(declaration, "document", None)
        if document is not None:
            path = f"declarations/{document.document_number}.pdf"
            entry["signed_pdf"] = {"file": path, "sha256": document.sha256, "size": document.size}
            try:
                pdfs[path] = read_verified(document.file.name, document.sha256)
            except StoredFileProblem as problem:
                entry["signed_pdf"]["file"] = None
                entry["signed_pdf"]["problem"] = f"the stored file is {problem.problem}"
        found.append(entry)
    return found


def _notifications(person) -> list[dict]:
    messages = Message.objects.filter(Q(user=person) | Q(recipient__iexact=person.email)).select_related("application")
    return [
        {
            "recipient": message.recipient,
            "subject": message.subject,
            "link": message.url,
            "application_reference": message.application.reference if message.application else None,
            "state": message.state,
            "recorded_at": message.created_at,
            "sent_at": message.sent_at,
            "read_at": message.read_at,
        }
        for message in messages
    ]


def _audit_events(person) -> list[dict]:
    about = Q(actor_id=person.pk) | Q(actor_email__iexact=person.email) | Q(data__person_id=person.pk)
    return list(
        AuditEvent.objects.filter(about)
        .order_by("at", "pk")
        .values("at", "kind", "summary", "actor_email", "application_reference", "ip_address", "data")
    )


def _api_tokens(person) -> list[dict]:
    fields = ("name", "scope", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    return list(ApiToken.objects.filter(user=person).order_by("created_at", "pk").values(*fields))


def _member_access(person) -> list[dict]:
    records = MemberAccess.objects.filter(user=person).select_related("application")
    return [
        {
            "application_reference": access.application.reference,
            "status": access.status,
            "granted_at": access.granted_at,
            "valid_from": access.valid_from,
            "valid_until": access.valid_until,
            "suspended_at": access.suspended_at,
            "suspension_cause": access.suspension_cause,
            "suspension_reason": access.suspension_reason,
            "reinstated_at": access.reinstated_at,
            "reinstatement_reason": access.reinstatement_reason,
            "ended_at": access.ended_at,
            "end_reason": access.end_reason,
            "end_comment": access.end_comment,
        }
        for access in records
    ]


def _readme(person, made_at) -> str:
    lines = [
        f"Personal data held by LEO Access about {person.email}, exported on {made_at:%d %B %Y at %H:%M} UTC.",
        "",
        "Dates and times are in UTC (ISO 8601). Each file:",
        "",
    ]
    lines += [f"{name}\n    {text}\n" for name, text in FILES.items()]
    return "\n".join(lines)


def export_personal_data(*, person_id: int, by, request=None) -> PersonalDataExport:
    """Build the zip of everything held about the person, and record in the audit log who exported whose data."""
    if not has_permission(by, "person.export"):
        raise PermissionDenied
    person = get_user_model().objects.get(pk=person_id)
    made_at = timezone.now()
    pdfs: dict[str, bytes] = {}
    with transaction.atomic():
        documents = {
            "account.json": _account(person),
            "applications.json": _applications(person),
            "declarations.json": _declarations(person, pdfs),
            "notifications.json": _notifications(person),
            "audit_events.json": _audit_events(person),
            "api_tokens.json": _api_tokens(person),
            "member_access.json": _member_access(person),
        }
        record(
            kind=AuditKind.PERSONAL_DATA_EXPORTED,
            by=by,
            request=request,
            summary=f"Exported the personal data of {person.email}",
            data={"person_id": person.pk, "person_email": person.email},
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(person, made_at))
        for name, value in documents.items():
            archive.writestr(name, _dump(value))
        for name, content in pdfs.items():
            archive.writestr(name, content)
    filename = f"leo-access-personal-data-{person.pk}-{made_at:%Y%m%d-%H%M}.zip"
    return PersonalDataExport(person, filename, buffer.getvalue())
