"""Evidence for a condition as a document: checked for kind and size before anything is stored, kept with its
SHA-256, and handed to the applicant team and to the team that set the condition only after that check and an
audit event. A refused document loses none of the typed description."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.conditions import set_condition, submit_evidence
from applications.errors import InvalidInput
from applications.models import ApprovalCondition
from applications.states import State
from leo_access.audit.models import AuditEvent, AuditKind
from tests.conftest import Client
from tests.factories import ApplicationFactory, coordinator_of
from tests.lifecycle import advance, application_with_member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% the output-checking plan\n"
DESCRIPTION = "The plan was agreed with the output checkers on 3 March; the signed copy is attached."


@pytest.fixture
def condition(people):
    application = advance(application_with_member()[0], State.ACCREDITED, people)
    return set_condition(
        application_id=application.pk, by=people.panel, text="Send the output plan.", timing="before_access"
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def evidence_url(condition):
    return reverse("applications:condition_evidence", args=[condition.application_id, condition.pk])


def document_url(condition):
    return reverse("applications:condition_evidence_file", args=[condition.application_id, condition.pk])


def send(client, condition, upload, evidence=DESCRIPTION):
    fields = {"evidence": evidence, "expected_state": "accredited"}
    if upload is not None:
        fields["file"] = upload
    return client.post(evidence_url(condition), fields)


def test_a_document_sent_as_evidence_is_stored_with_its_fingerprint_and_shown_to_the_setting_team(condition, people):
    coordinator = signed_in(coordinator_of(condition.application))
    assert b'enctype="multipart/form-data"' in coordinator.get(evidence_url(condition)).content
    response = send(coordinator, condition, SimpleUploadedFile("Output plan.pdf", PDF))
    assert response.status_code == 302

    condition.refresh_from_db()
    assert condition.state == ApprovalCondition.State.EVIDENCE_SUBMITTED
    assert condition.evidence == DESCRIPTION
    assert condition.evidence_file_name == "Output plan.pdf"
    assert condition.evidence_file_size == len(PDF)
    assert condition.evidence_file_sha256 == hashlib.sha256(PDF).hexdigest()
    with default_storage.open(condition.evidence_file.name, "rb") as stored:
        assert stored.read() == PDF
    event = condition.application.events.get(kind="condition_evidence_submitted")
    assert event.data["sha256"] == condition.evidence_file_sha256

    panel = signed_in(people.panel)
    listed = panel.get(reverse("applications:conditions", args=[condition.application_id])).content.decode()
    assert document_url(condition) in listed
    assert "Output plan.pdf" in listed
    assert (
        document_url(condition)
        in panel.get(
            reverse("applications:condition_decide", args=[condition.application_id, condition.pk])
        ).content.decode()
    )

    download = panel.get(document_url(condition))
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    audit = AuditEvent.objects.get(kind=AuditKind.FILE_DOWNLOADED, actor=people.panel)
    assert audit.application_id == condition.application_id
    assert str(condition.pk) in audit.summary


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 a program, renamed"), "is not a PDF"),
        (lambda: SimpleUploadedFile("plan.exe", b"MZ\x90\x00 a program"), "must be a PDF, Word (.docx)"),
        (lambda: SimpleUploadedFile("plan.pdf", b""), "The selected file is empty"),
        (lambda: SimpleUploadedFile("plan.pdf", PDF + b"x" * 2048), "must be smaller than"),
    ],
    ids=["renamed", "wrong kind", "empty", "too large"],
)
def test_a_refused_document_says_why_and_keeps_the_typed_description(condition, settings, upload, message):
    settings.CONDITION_EVIDENCE_MAX_BYTES = 1024
    coordinator = signed_in(coordinator_of(condition.application))
    response = send(coordinator, condition, upload())
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert DESCRIPTION in page
    condition.refresh_from_db()
    assert condition.state == ApprovalCondition.State.OPEN
    assert condition.evidence == ""
    assert not condition.evidence_file
    assert not condition.application.events.filter(kind="condition_evidence_submitted").exists()


def test_evidence_needs_a_description_or_a_document(condition):
    coordinator = coordinator_of(condition.application)
    with pytest.raises(InvalidInput, match="or choose a document"):
        submit_evidence(condition_id=condition.pk, by=coordinator, evidence="  ")
    submit_evidence(condition_id=condition.pk, by=coordinator, file=SimpleUploadedFile("plan.pdf", PDF))
    condition.refresh_from_db()
    assert condition.state == ApprovalCondition.State.EVIDENCE_SUBMITTED
    assert condition.evidence == ""


def test_a_changed_document_is_not_sent_and_is_recorded(condition, people):
    coordinator = coordinator_of(condition.application)
    submit_evidence(condition_id=condition.pk, by=coordinator, file=SimpleUploadedFile("plan.pdf", PDF))
    condition.refresh_from_db()
    name = condition.evidence_file.name
    default_storage.delete(name)
    default_storage.save(name, SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n% a different plan\n"))

    response = signed_in(people.panel).get(document_url(condition))
    assert response.status_code == 409
    assert b"This file has changed since it was stored" in response.content
    assert AuditEvent.objects.get(kind=AuditKind.FILE_UNAVAILABLE).data["problem"] == "changed"


def test_a_condition_without_a_document_has_none_to_download(condition, people):
    submit_evidence(condition_id=condition.pk, by=coordinator_of(condition.application), evidence="Done.")
    assert signed_in(people.panel).get(document_url(condition)).status_code == 404


def test_another_researcher_cannot_learn_the_document_exists(condition):
    submit_evidence(
        condition_id=condition.pk,
        by=coordinator_of(condition.application),
        file=SimpleUploadedFile("plan.pdf", PDF),
    )
    outsider = coordinator_of(ApplicationFactory(form=False))
    assert signed_in(outsider).get(document_url(condition)).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditKind.FILE_DOWNLOADED).exists()
