"""Reads: a person's declarations, an application's signed documents, and what an uploaded PDF is."""

import io
import json
import zipfile
from dataclasses import dataclass

from applications.models import Application
from leo_access.files import read_verified
from leo_access.permissions import has_permission

from .models import Declaration, SignedDeclarationDocument
from .pdf import sha256


def own_declaration(user, application: Application) -> Declaration | None:
    """The person's live declaration on this application (signed or not), if any."""
    if not getattr(user, "pk", None):
        return None
    return (
        Declaration.objects.filter(application=application, member=user, withdrawn_at__isnull=True)
        .select_related("text", "application")
        .first()
    )


def declaration_for_download(user, declaration_id) -> Declaration | None:
    """A signed declaration whose PDF this person may download, else None (shown as 404)."""
    declaration = (
        Declaration.objects.filter(pk=declaration_id, document__isnull=False)
        .select_related("document", "application", "member")
        .first()
    )
    if declaration is None:
        return None
    if has_permission(user, "declaration.download", declaration) or has_permission(
        user, "declaration.download_own", declaration
    ):
        return declaration
    return None


def application_documents(application: Application) -> list[SignedDeclarationDocument]:
    return list(
        SignedDeclarationDocument.objects.filter(declaration__application=application).select_related(
            "declaration__member", "declaration__text"
        )
    )


def archive(application: Application) -> tuple[bytes, int]:
    """Every signed declaration PDF of the application in one zip, with a manifest of their hashes.

    Each PDF is read through `read_verified`, so a missing or changed one raises `StoredFileProblem` and no zip
    is made: an archive never holds a document that is not the one signed.
    """
    documents = application_documents(application)
    buffer = io.BytesIO()
    manifest = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for document in documents:
            data = read_verified(document.file.name, document.sha256)
            name = f"{document.document_number}.pdf"
            bundle.writestr(name, data)
            declaration = document.declaration
            entry = {
                "file": name,
                "document_number": document.document_number,
                "sha256": document.sha256,
                "size": document.size,
                "member": declaration.member.full_name or declaration.member.email,
                "member_email": declaration.member.email,
                "accreditation_reference": declaration.accreditation_reference,
                "signed_at": declaration.signed_at.isoformat(),
                "text_version": declaration.text.version if declaration.text else None,
                "text_sha256": declaration.text_sha256,
                "certificate_sha256": document.certificate_sha256,
            }
            manifest.append(entry)
        body = {"application": application.reference, "title": application.title, "documents": manifest}
        bundle.writestr("manifest.json", json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        bundle.writestr("SHA256SUMS", "".join(f"{e['sha256']}  {e['file']}\n" for e in manifest))
    return buffer.getvalue(), len(documents)


@dataclass
class Verification:
    """The answer the verification page gives about one uploaded PDF."""

    sha256: str
    signed: bool
    signature_valid: bool
    by_service: bool
    unchanged: bool
    document: SignedDeclarationDocument | None
    problems: list[str]
    tampered: bool = False
    readable: bool = True

    @property
    def genuine(self) -> bool:
        return self.signature_valid and self.by_service and self.unchanged and self.document is not None

    @property
    def outcome(self) -> str:
        """The one-line answer, most serious first: a changed document is reported as changed, whoever signed it."""
        if self.genuine:
            return "Genuine and unchanged"
        if not self.readable:
            return "This file could not be read as a PDF"
        if not self.signed:
            return "This document is not signed"
        if self.tampered:
            return "This document was changed after signing: it has been tampered with"
        if not self.by_service:
            return "This document was not signed with this service's certificate"
        if not self.signature_valid:
            return "This document's signature is not valid"
        return "This service has no record of this signature"


def verify_upload(data: bytes) -> Verification:
    from .pdf import check_signature

    digest = sha256(data)
    check = check_signature(data)
    problems = list(check.problems)
    document = (
        SignedDeclarationDocument.objects.filter(document_number=check.document_number)
        .select_related("declaration__application", "declaration__member")
        .first()
        if check.document_number
        else None
    )
    if check.signed and check.intact and document is None:
        problems.append("No signature record of this service matches the document.")
    unchanged = bool(check.intact and check.covers_whole_file and document and document.sha256 == digest)
    if check.intact and check.covers_whole_file and document and document.sha256 != digest:
        problems.append("The file differs from the one the service stored for this signature.")
    return Verification(
        sha256=digest,
        signed=check.signed,
        signature_valid=check.intact and check.valid,
        by_service=check.by_service,
        unchanged=unchanged,
        document=document if check.intact else None,
        problems=problems,
        tampered=check.signed
        and (not check.intact or not check.covers_whole_file or bool(document and document.sha256 != digest)),
        readable=check.readable,
    )


def team_declarations(application: Application) -> list[Declaration]:
    """Every current member's declaration on the application, signed or not, with its PDF if made."""
    return list(
        Declaration.objects.filter(application=application, withdrawn_at__isnull=True)
        .select_related("member", "document")
        .order_by("member__full_name", "member__email")
    )
