"""A worker's first signed declaration costs what later ones do: fonts, templates, the signing key and pyHanko's
machinery are loaded when the worker process starts (see leo_access.warmup)."""

from . import pdf
from .models import text_digest
from .services import FIRST_TEXT_CLAUSES, FIRST_TEXT_TITLE


def sample_html() -> str:
    """A declaration like those the service signs, for nobody."""
    return pdf.render_html(
        {
            "reference": "LEO-0000-0000",
            "project_title": "Warming up",
            "member_name": "Nobody",
            "typed_name": "Nobody",
            "accreditation_reference": "-",
            "text_title": FIRST_TEXT_TITLE,
            "text_version": 1,
            "clauses": FIRST_TEXT_CLAUSES,
            "text_sha256": text_digest(version=1, title=FIRST_TEXT_TITLE, clauses=FIRST_TEXT_CLAUSES),
            "signed_at_utc": "-",
            "confirmed_with": "-",
            "document_number": "LEO-0000-0000-D00000",
        }
    )


def signed_declaration():
    pdf.sign_pdf(pdf.render_pdf(sample_html()), document_number="LEO-0000-0000-D00000", signer_name="Nobody")
