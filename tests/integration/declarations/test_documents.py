"""Signed PDFs: made once, sealed so pdfsig accepts them, tampering detected, downloads and the zip."""

import io
import json
import subprocess
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from applications.states import State
from declarations.models import Declaration, SignedDeclarationDocument
from declarations.selectors import verify_upload
from declarations.services import store_signed_document
from declarations.tasks import make_signed_document
from leo_access.actors import SYSTEM
from notifications.models import Message
from tests.lifecycle import reload

from .conftest import sign_fully

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(accredited):
    """Both members signed (so access is granted) and the coordinator's PDF made by the task."""
    application, coordinator, member = accredited
    for user in (coordinator, member):
        sign_fully(Declaration.objects.get(application=application, member=user))
    declaration = Declaration.objects.get(application=application, member=member)
    make_signed_document(declaration.pk)
    return reload(application), declaration


def pdf_bytes(declaration) -> bytes:
    with declaration.document.file.open("rb") as handle:
        return handle.read()


def pdfsig(path) -> str:
    return subprocess.run(["/usr/bin/pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


def test_the_task_makes_one_document_and_emails_links_once_however_often_it_runs(signed, people):
    application, declaration = signed
    assert application.state == State.ACCESS_GRANTED
    first = SignedDeclarationDocument.objects.get(declaration=declaration)
    sent = len(mail.outbox)
    assert sent == 2  # the member and the one RAS officer
    assert {m.to[0] for m in mail.outbox} == {declaration.member.email, people.ras.email}
    link = reverse("declarations:document", args=[declaration.pk])
    for message in mail.outbox:
        assert link in message.body
        assert application.reference in message.subject
        assert declaration.member.full_name not in message.body  # who signed stays on the site
        assert not message.attachments

    make_signed_document(declaration.pk)
    document, created = store_signed_document(declaration_id=declaration.pk, by=SYSTEM)

    assert not created
    assert document.pk == first.pk
    assert SignedDeclarationDocument.objects.filter(declaration=declaration).count() == 1
    sent_messages = Message.objects.filter(key__startswith=f"declaration_document:{first.pk}:", state="sent")
    assert sent_messages.count() == 2
    assert len(mail.outbox) == sent
    assert application.events.filter(kind="declaration_document_signed").count() == 1
    with pytest.raises(PermissionError):
        document.save()


def test_the_pdf_carries_the_record_and_its_stored_hash(signed):
    _, declaration = signed
    from declarations.pdf import sha256

    data = pdf_bytes(declaration)
    document = declaration.document
    assert sha256(data) == document.sha256
    assert len(data) == document.size
    text = subprocess.run(
        ["pdftotext", "-layout", document.file.path, "-"], capture_output=True, text=True, timeout=60
    ).stdout
    for expected in (
        declaration.application.reference,
        declaration.member.full_name,
        declaration.accreditation_reference,
        document.document_number,
        "UTC",
    ):
        assert expected in text
    assert declaration.text_sha256[:40] in text.replace("\n", "").replace(" ", "")
    info = subprocess.run(["pdfinfo", document.file.path], capture_output=True, text=True, timeout=60).stdout
    assert "Tagged:          yes" in info
    assert document.document_number in info


def test_pdfsig_reports_the_signature_valid(signed):
    _, declaration = signed
    report = pdfsig(declaration.document.file.path)
    assert "Signature is Valid." in report
    assert "Total document signed" in report
    assert "LEO Access declaration signing" in report


def test_an_untouched_copy_verifies_and_names_its_signature_record(signed):
    _, declaration = signed
    result = verify_upload(pdf_bytes(declaration))
    assert result.genuine
    assert not result.tampered
    assert not result.problems
    assert result.document.declaration == declaration


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda data: data.replace(b"/Title", b"/Titlf", 1), id="edited-inside-signed-bytes"),
        pytest.param(lambda data: data + b"\n1 0 obj\n<< >>\nendobj\n", id="appended-after-signing"),
    ],
)
def test_tampered_copies_are_reported(signed, tamper, tmp_path):
    _, declaration = signed
    tampered = tamper(pdf_bytes(declaration))
    result = verify_upload(tampered)
    assert result.tampered
    assert not result.genuine
    assert result.problems
    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered)
    assert "Signature is Valid." not in pdfsig(path) or "Total document signed" not in pdfsig(path)


def test_an_unsigned_pdf_is_reported_as_unsigned():
    from declarations.pdf import render_pdf

    result = verify_upload(render_pdf("<html lang='en'><title>x</title><p>Nothing here</p></html>"))
    assert not result.signed
    assert not result.genuine
    assert verify_upload(b"not a pdf at all").problems


def test_the_verification_page_for_staff_only(client, signed, people):
    _, declaration = signed
    url = reverse("declarations:verify")
    client.force_login(people.outsider)
    assert client.get(url).status_code == 403
    client.force_login(people.ras)
    upload = io.BytesIO(pdf_bytes(declaration))
    upload.name = "declaration.pdf"
    html = client.post(url, {"file": upload}).content.decode()
    assert "Genuine and unchanged" in html
    assert declaration.document.document_number in html
    bad = io.BytesIO(pdf_bytes(declaration).replace(b"/Title", b"/Titlf", 1))
    bad.name = "declaration.pdf"
    assert "tampered with" in client.post(url, {"file": bad}).content.decode()


def test_downloads_are_for_the_member_and_staff_who_may(client, signed, people):
    _, declaration = signed
    url = reverse("declarations:document", args=[declaration.pk])
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    other_member = Declaration.objects.exclude(pk=declaration.pk).get(application=declaration.application).member
    client.force_login(other_member)
    assert client.get(url).status_code == 404
    for person in (declaration.member, people.ras, people.admin):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        # Checked against its recorded SHA-256 before it is sent, so sent whole rather than streamed.
        assert response.content == pdf_bytes(declaration)


def test_admins_download_every_declaration_as_a_zip_with_a_manifest_of_hashes(client, signed, people):
    application, declaration = signed
    for other in Declaration.objects.filter(application=application).exclude(pk=declaration.pk):
        make_signed_document(other.pk)
    url = reverse("declarations:archive", args=[application.pk])
    client.force_login(people.ras)
    assert client.get(url).status_code == 404
    client.force_login(people.admin)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(bundle.read("manifest.json"))
    assert len(manifest["documents"]) == 2
    from declarations.pdf import sha256

    for entry in manifest["documents"]:
        assert sha256(bundle.read(entry["file"])) == entry["sha256"]
        assert SignedDeclarationDocument.objects.get(document_number=entry["document_number"]).sha256 == entry["sha256"]
    assert bundle.read("SHA256SUMS").decode().count("\n") == 2


def test_the_pdf_shows_the_name_as_written_in_the_profile(accredited):
    application, _, member = accredited
    member.full_name = "Ada de la Cruz-McKay"
    member.save(update_fields=["full_name"])
    declaration = Declaration.objects.get(application=application, member=member)
    sign_fully(declaration, typed_name="  Ada  de la Cruz-McKay ")
    make_signed_document(declaration.pk)
    declaration.refresh_from_db()
    assert declaration.typed_name == "Ada de la Cruz-McKay"
    text = subprocess.run(
        ["pdftotext", "-layout", declaration.document.file.path, "-"], capture_output=True, text=True, timeout=60
    ).stdout
    typed_line = next(line for line in text.splitlines() if line.startswith("Name typed when"))
    assert typed_line.split("when", 1)[1].strip() == "Ada de la Cruz-McKay"


def test_a_changed_document_stops_the_zip_with_a_page_and_an_audit_event(client, signed, people):
    from leo_access.audit.models import AuditEvent, AuditKind

    application, declaration = signed
    stored = declaration.document.file
    with stored.storage.open(stored.name, "wb") as handle:
        handle.write(pdf_bytes(declaration).replace(b"%%EOF", b"%%EOF\n% changed"))
    client.force_login(people.admin)
    response = client.get(reverse("declarations:archive", args=[application.pk]))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "This file has changed since it was stored" in response.content.decode()
    event = AuditEvent.objects.filter(kind=AuditKind.FILE_UNAVAILABLE).latest("pk")
    assert event.data["problem"] == "changed"
    assert event.data["stored_as"] == stored.name
