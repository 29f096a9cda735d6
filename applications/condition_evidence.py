"""Documents sent as evidence that a condition of approval is met: which kinds are taken, and how each is told
apart by its first bytes as well as its name, so that a renamed file of another kind is refused."""

import hashlib
from dataclasses import dataclass

from django.conf import settings

from .errors import InvalidInput


@dataclass(frozen=True)
class EvidenceType:
    label: str
    content_type: str
    signatures: tuple[bytes, ...]


ZIP = (b"PK\x03\x04",)
EVIDENCE_TYPES: dict[str, EvidenceType] = {
    "pdf": EvidenceType("PDF", "application/pdf", (b"%PDF-",)),
    "docx": EvidenceType(
        "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP
    ),
    "xlsx": EvidenceType("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "odt": EvidenceType("OpenDocument text", "application/vnd.oasis.opendocument.text", ZIP),
    "png": EvidenceType("PNG image", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": EvidenceType("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": EvidenceType("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
}
ACCEPTED = "a PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt), PNG or JPEG file"


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def checked_evidence_file(uploaded) -> tuple[str, str]:
    """The file's extension and SHA-256, once it is known to be of an accepted kind and size."""
    if uploaded.size == 0:
        raise InvalidInput("The selected file is empty. Choose the document that shows the condition is met.")
    if uploaded.size > settings.CONDITION_EVIDENCE_MAX_BYTES:
        limit = settings.CONDITION_EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise InvalidInput(f"The selected file must be smaller than {limit} MB.")
    extension = extension_of(uploaded.name or "")
    kind = EVIDENCE_TYPES.get(extension)
    if kind is None:
        raise InvalidInput(f"The selected file must be {ACCEPTED}.")
    uploaded.seek(0)
    start = uploaded.read(16)
    if not start.startswith(kind.signatures):
        raise InvalidInput(f"The selected file is not a {kind.label}, whatever its name says. Choose {ACCEPTED}.")
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return extension, digest.hexdigest()


def content_type_of(name: str) -> str:
    kind = EVIDENCE_TYPES.get(extension_of(name))
    return kind.content_type if kind else "application/octet-stream"
