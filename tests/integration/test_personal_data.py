"""Subject access requests: an admin downloads a zip of everything held about one person, and only that person;
no secret leaves with it, the export is audited, and nobody but an admin may make one."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from api.tokens import issue_token
from applications.models import MemberAccess
from applications.states import State
from declarations.models import Declaration
from declarations.services import store_signed_document
from leo_access.actors import SYSTEM
from leo_access.audit.models import AuditEvent, AuditKind
from notifications.models import Message
from tests.conftest import Client
from tests.factories import ApplicationFactory, coordinator_of
from tests.lifecycle import People, advance

pytestmark = pytest.mark.django_db

EXPECTED_FILES = {
    "README.txt",
    "account.json",
    "applications.json",
    "declarations.json",
    "notifications.json",
    "audit_events.json",
    "api_tokens.json",
    "member_access.json",
}


def granted_researcher(people, title):
    """A researcher co-ordinating a project with access granted, a signed PDF, a message and an API token."""
    application = ApplicationFactory(title=title)
    person = coordinator_of(application)
    advance(application, State.ACCESS_GRANTED, people)
    declaration = Declaration.objects.get(application=application, member=person)
    document, _ = store_signed_document(declaration_id=declaration.pk, by=SYSTEM)
    Message.objects.create(
        key=f"sar-{person.pk}",
        recipient=person.email,
        user=person,
        application=application,
        template="submitted",
        subject=f"Submitted: {title}",
        context={},
    )
    _token, secret = issue_token(user=person, by=SYSTEM, name=f"token of {title}", scope="read")
    return application, person, document, secret


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client, person) -> tuple[zipfile.ZipFile, object]:
    response = client.post(reverse("people:personal_data", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="leo-access-personal-data-')
    return zipfile.ZipFile(io.BytesIO(response.content)), response


@pytest.fixture
def seeded():
    people = People.create()
    mine = granted_researcher(people, "Graduate earnings by subject")
    theirs = granted_researcher(people, "Apprenticeship outcomes")
    return people, mine, theirs


def test_the_zip_holds_the_persons_data_their_pdf_and_nobody_elses(seeded):
    people, (application, person, document, secret), (other_application, other, _, other_secret) = seeded
    archive, _ = download(signed_in(people.admin), person)
    names = set(archive.namelist())
    pdf_name = f"declarations/{document.document_number}.pdf"
    assert names == EXPECTED_FILES | {pdf_name}

    readme = archive.read("README.txt").decode()
    assert person.email in readme
    for name in EXPECTED_FILES - {"README.txt"}:
        assert f"{name}\n" in readme, name

    account = json.loads(archive.read("account.json"))
    assert account["email"] == person.email
    assert account["roles"] == ["researcher"]
    assert account["researcher_profile"]["accreditation_reference"] == person.researcher_profile.accreditation_reference
    assert "password" not in account

    memberships = json.loads(archive.read("applications.json"))["memberships"]
    assert [(m["application_reference"], m["role"]) for m in memberships] == [(application.reference, "coordinator")]

    declarations = json.loads(archive.read("declarations.json"))
    assert [d["application_reference"] for d in declarations] == [application.reference]
    assert declarations[0]["signed_pdf"] == {"file": pdf_name, "sha256": document.sha256, "size": document.size}
    with default_storage.open(document.file.name, "rb") as stored:
        assert archive.read(pdf_name) == stored.read()

    subjects = [m["subject"] for m in json.loads(archive.read("notifications.json"))]
    assert "Submitted: Graduate earnings by subject" in subjects

    tokens = json.loads(archive.read("api_tokens.json"))
    assert [t["name"] for t in tokens] == ["token of Graduate earnings by subject"]
    assert "secret_sha256" not in tokens[0]

    access = json.loads(archive.read("member_access.json"))
    assert [(a["application_reference"], a["status"]) for a in access] == [
        (application.reference, MemberAccess.Status.ACTIVE)
    ]

    everything = "\n".join(archive.read(name).decode() for name in names if name.endswith((".json", ".txt")))
    for absent in (other.email, other_application.reference, "Apprenticeship outcomes", secret, other_secret):
        assert absent not in everything
    token_hash = person.api_tokens.get().secret_sha256
    assert token_hash not in everything


def test_each_export_is_audited_and_shows_in_the_next(seeded):
    people, (_, person, _, _), _ = seeded
    client = signed_in(people.admin)
    download(client, person)
    entry = AuditEvent.objects.get(kind=AuditKind.PERSONAL_DATA_EXPORTED)
    assert entry.actor == people.admin
    assert entry.data == {"person_id": person.pk, "person_email": person.email}
    assert entry.summary == f"Exported the personal data of {person.email}"

    archive, _ = download(client, person)
    audited = json.loads(archive.read("audit_events.json"))
    exports = [e for e in audited if e["kind"] == AuditKind.PERSONAL_DATA_EXPORTED]
    assert [(e["actor_email"], e["data"]["person_id"]) for e in exports] == [(people.admin.email, person.pk)]
    assert AuditEvent.objects.filter(kind=AuditKind.PERSONAL_DATA_EXPORTED).count() == 2


def test_a_missing_signed_pdf_is_named_not_a_server_error(seeded):
    people, (_, person, document, _), _ = seeded
    default_storage.delete(document.file.name)
    archive, _ = download(signed_in(people.admin), person)
    declarations = json.loads(archive.read("declarations.json"))
    assert declarations[0]["signed_pdf"]["file"] is None
    assert declarations[0]["signed_pdf"]["problem"] == "the stored file is missing"
    assert not [name for name in archive.namelist() if name.endswith(".pdf")]


def test_the_page_says_whose_data_and_what_the_zip_holds(seeded):
    people, (_, person, _, _), _ = seeded
    response = signed_in(people.admin).get(reverse("people:personal_data", args=[person.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert person.email in page
    assert "member_access.json" in page
    assert not AuditEvent.objects.filter(kind=AuditKind.PERSONAL_DATA_EXPORTED).exists()


@pytest.mark.parametrize("role", ["ras", "dfe", "hmrc", "dwp", "panel", "outsider", "self"])
def test_nobody_but_an_admin_may_export(seeded, role):
    people, (_, person, _, _), _ = seeded
    user = person if role == "self" else getattr(people, role)
    client = signed_in(user)
    url = reverse("people:personal_data", args=[person.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditKind.PERSONAL_DATA_EXPORTED).exists()


def test_anonymous_people_are_sent_to_sign_in_and_an_unknown_person_is_not_found(seeded):
    people, (_, person, _, _), _ = seeded
    response = Client().post(reverse("people:personal_data", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    missing = signed_in(people.admin).get(reverse("people:personal_data", args=[person.pk + 10_000]))
    assert missing.status_code == 404


def test_the_admin_site_links_to_the_export(seeded):
    people, (_, person, _, _), _ = seeded
    page = signed_in(people.admin).get(reverse("admin:leo_access_user_change", args=[person.pk])).content.decode()
    assert reverse("people:personal_data", args=[person.pk]) in page
