"""The signed declaration as a PDF: rendered by WeasyPrint, signed (PAdES baseline B-B) by pyHanko, and checked.

Pure functions over bytes; the task in `tasks.py` stores what they make.
"""

import asyncio
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from django.template.loader import render_to_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from leo_access.pdf import html_to_pdf

from .signing_keys import certificate_fingerprint, ensure_signing_pair, service_certificate

SIGNATURE_FIELD = "LEOAccessSignature"
# Bottom of the last page, inside the margin the template reserves (points, A4).
SIGNATURE_BOX = (56, 40, 539, 110)
REASON_PREFIX = "Individual Declaration "


def render_html(context: dict) -> str:
    return render_to_string("declarations/pdf/declaration.html", context)


def render_pdf(html: str) -> bytes:
    """PDF/UA-1 (WeasyPrint writes the structure tree, the document language and the title); nothing is
    fetched but the service's own static assets (`leo_access.pdf`)."""
    return html_to_pdf(html)


# Room for the CMS signature container: enough for an RSA-4096 signature and its certificate.
SIGNATURE_BYTES_RESERVED = 16384


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko re-parses the private key on every signature; parsing an RSA key costs more than the
    signing itself, so keep the parsed key for the life of the process."""

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        if getattr(self, "_parsed_key", None) is None:
            self._parsed_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        return self._parsed_key.sign(data, PKCS1v15(), getattr(hashes, digest_algorithm.upper())())


@lru_cache(maxsize=2)
def _signer(key: str, certificate: str, passphrase: bytes | None, modified: float) -> signers.SimpleSigner:
    loaded = signers.SimpleSigner.load(key, certificate, key_passphrase=passphrase)
    if loaded is None:
        raise ValueError(f"Could not load the signing key {key} or certificate {certificate}.")
    return _LoadedKeySigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )


def service_signer() -> signers.SimpleSigner:
    paths, _ = ensure_signing_pair()
    modified = max(paths.key.stat().st_mtime, paths.certificate.stat().st_mtime)
    return _signer(str(paths.key), str(paths.certificate), paths.passphrase, modified)


def sign_pdf(pdf: bytes, *, document_number: str, signer_name: str) -> bytes:
    """Add the service's PAdES signature with a visible appearance on the last page."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    last_page = int(writer.root["/Pages"]["/Count"]) - 1
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=f"{REASON_PREFIX}{document_number}",
        name=signer_name,
        location="LEO Access",
    )
    stamp = TextStampStyle(
        stamp_text=("Signed by LEO Access for %(signer_name)s\nDocument %(document_number)s\nSealed %(ts)s\n%(cert)s"),
        border_width=1,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        service_signer(),
        stamp_style=stamp,
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=last_page, box=SIGNATURE_BOX),
    )
    output = BytesIO()
    _outside_event_loop(
        pdf_signer.sign_pdf,
        writer,
        output=output,
        bytes_reserved=SIGNATURE_BYTES_RESERVED,
        appearance_text_params={
            "signer_name": signer_name,
            "document_number": document_number,
            "cert": "Certificate SHA-256 " + _fingerprint_short(),
        },
    )
    return output.getvalue()


def _outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous API runs an event loop of its own, which cannot start inside one that is
    already running in this thread (an async server, or a browser driven from the same process)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _fingerprint_short() -> str:
    return certificate_fingerprint(service_certificate().public_bytes(serialization.Encoding.DER))[:32]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class SignatureCheck:
    """What the bytes of a PDF say about its signature, before looking up any record."""

    readable: bool = True
    signed: bool = False
    intact: bool = False
    valid: bool = False
    by_service: bool = False
    covers_whole_file: bool = False
    document_number: str = ""
    signer_certificate_sha256: str = ""
    signing_time: object = None
    problems: list[str] = field(default_factory=list)


def check_signature(pdf: bytes) -> SignatureCheck:
    """Whether the PDF carries an intact, valid signature by the service's certificate over the whole file."""
    result = SignatureCheck()
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # any unreadable upload is a finding, never a server error
        result.readable = False
        result.problems.append(f"The file could not be read as a PDF ({type(error).__name__}).")
        return result
    if not signatures:
        result.problems.append("The PDF has no digital signature.")
        return result
    if len(signatures) > 1:
        result.problems.append("The PDF has more than one signature; the service's documents carry exactly one.")
    embedded = signatures[0]
    result.signed = True
    reason = str(embedded.sig_object.get("/Reason", ""))
    if reason.startswith(REASON_PREFIX):
        result.document_number = reason[len(REASON_PREFIX) :]
    service_der = service_certificate().public_bytes(serialization.Encoding.DER)
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(service_der)], allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception as error:  # a mangled signature is a finding about the upload
        result.problems.append(f"The signature could not be checked ({type(error).__name__}).")
        return result
    result.intact = bool(status.intact)
    result.valid = bool(status.valid)
    result.signing_time = status.signer_reported_dt
    signer_der = status.signing_cert.dump()
    result.signer_certificate_sha256 = certificate_fingerprint(signer_der)
    # pyHanko validates the certificate's trust only for a signature that still matches its content: for a
    # changed document `trusted` is False whoever signed it, so which certificate signed is its identity then.
    result.by_service = signer_der == service_der and (bool(status.trusted) or not result.intact)
    result.covers_whole_file = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    if not result.intact:
        result.problems.append("The signed content has been changed: the signature no longer matches it.")
    elif not result.valid:
        result.problems.append("The signature is not cryptographically valid.")
    if not result.by_service:
        result.problems.append("The signature was not made with this service's certificate.")
    if result.intact and not result.covers_whole_file:
        result.problems.append("Something was added to the PDF after it was signed.")
    return result
