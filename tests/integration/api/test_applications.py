"""A researcher's applications through the API: the same checks, forms, messages and services as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.problems import PROBLEM_CONTENT_TYPE
from applications.models import Application, TeamMember
from applications.states import State
from applications.validation import validate_form
from demo.forms import ensure_demo_catalogue, filled_form
from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.roles import Role
from tests.factories import ApplicationFactory, add_form, coordinator_of, researcher, staff
from tests.lifecycle import People, advance

from .helpers import body, session_client, token_client

pytestmark = pytest.mark.django_db
API = "/api/v1/applications/"


def test_the_list_holds_only_ones_own_applications_a_page_at_a_time():
    user = researcher()
    mine = [ApplicationFactory(created_by=user) for _ in range(3)]
    ApplicationFactory()  # someone else's
    client = token_client(user, "read")
    seen, url = [], f"{API}?page_size=2"
    while url:
        page = body(client.get(url))
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(str(a.pk) for a in mine)


def test_another_researchers_application_is_not_found_at_every_address():
    application = ApplicationFactory()
    client = token_client(researcher())
    pk = application.pk
    answers = [
        client.get(f"{API}{pk}/"),
        client.get(f"{API}{pk}/variable-request-forms/"),
        client.put(f"{API}{pk}/sections/project/", {"title": "Mine now"}, format="json"),
        client.post(f"{API}{pk}/submit/", {}, format="json"),
        client.post(f"{API}{pk}/resubmit/", {"answers": "x"}, format="json"),
    ]
    assert [answer.status_code for answer in answers] == [404] * 5
    assert all(answer["Content-Type"] == PROBLEM_CONTENT_TYPE for answer in answers)
    assert Application.objects.get(pk=pk).title == application.title


def test_a_member_who_is_not_the_coordinator_may_read_but_not_edit():
    application = ApplicationFactory()
    member = researcher()
    TeamMember.objects.create(application=application, user=member, email=member.email, status="accepted")
    client = token_client(member)
    assert client.get(f"{API}{application.pk}/").status_code == 200
    refused = client.put(f"{API}{application.pk}/sections/project/", {"title": "x"}, format="json")
    assert refused.status_code == 403


def test_starting_an_application_checks_the_title_as_the_page_does():
    client = token_client(researcher())
    refused = client.post(API, {"title": ""}, format="json")
    assert refused.status_code == 400
    assert body(refused)["errors"] == {"title": ["Enter the title of your project"]}
    created = client.post(API, {"title": "Returns to apprenticeships"}, format="json")
    assert created.status_code == 201
    document = body(created)
    assert (document["title"], document["state"]) == ("Returns to apprenticeships", "draft")
    sections = ["project", "public_benefit", "team", "data", "ethics", "safeguards"]
    assert [s["key"] for s in document["sections"]] == sections
    assert document["timeline"][0]["kind"] == "created"


def test_a_read_token_cannot_start_an_application():
    response = token_client(researcher(), "read").post(API, {"title": "x"}, format="json")
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_a_section_is_saved_through_the_pages_form_with_its_messages():
    application = ApplicationFactory()
    client = token_client(coordinator_of(application))
    url = f"{API}{application.pk}/sections/project/"
    answers = {"title": "New title", "start_date": "2027-04-01", "end_date": "2030-03-31", "funder": "ESRC"}
    saved = client.put(url, answers, format="json")
    assert saved.status_code == 200
    project = body(saved)["answers"]["project"]
    assert (project["title"], project["start_date"], project["funder"]) == ("New title", "2027-04-01", "ESRC")
    application.refresh_from_db()
    assert (application.title, str(application.end_date), application.lay_summary) == ("New title", "2030-03-31", "")
    wrong = client.put(url, {"title": "T", "start_date": "2027-04-01", "end_date": "2026-01-01"}, format="json")
    assert wrong.status_code == 400
    assert body(wrong)["errors"] == {"end_date": ["Project end date must be after the start date"]}
    for unreal in ("2027-02-30", "next spring"):
        refused = client.put(url, {"title": "T", "start_date": unreal}, format="json")
        assert body(refused)["errors"] == {"start_date": ["Project start date must be a real date"]}
    assert client.put(f"{API}{application.pk}/sections/nothing/", {}, format="json").status_code == 404
    not_an_object = client.put(url, ["title"], format="json")
    assert not_an_object.status_code == 400


def test_a_submitted_application_cannot_be_changed_409():
    application = advance(ApplicationFactory(), State.RAS_CHECK, People.create())
    client = token_client(coordinator_of(application))
    response = client.put(f"{API}{application.pk}/sections/project/", {"title": "Late change"}, format="json")
    assert response.status_code == 409
    assert body(response)["current_state"] == State.RAS_CHECK
    assert "was updated by someone else" in body(response)["detail"]


def test_an_uploaded_form_is_stored_and_its_findings_read():
    ensure_demo_catalogue()
    application = ApplicationFactory(form=False)
    client = token_client(coordinator_of(application))
    url = f"{API}{application.pk}/variable-request-forms/"
    empty = client.post(url, {}, format="multipart")
    assert body(empty)["errors"] == {"file": ["Select the completed Variable Request Form"]}
    data = filled_form(application.reference)
    good = client.post(url, {"file": SimpleUploadedFile("form.xlsx", data)}, format="multipart")
    assert good.status_code == 201
    assert (body(good)["version"], body(good)["status"]) == (1, "pending")
    bad = client.post(url, {"file": SimpleUploadedFile("form.xlsx", b"PK\x03\x04 truncated")}, format="multipart")
    for form in application.variable_request_forms.all():
        validate_form(form.pk)
    listed = body(client.get(url))
    assert [(f["version"], f["status"], f["valid"]) for f in listed] == [(2, "failed", False), (1, "passed", True)]
    assert listed[0]["findings"][0]["severity"] == "error"
    assert listed[0]["findings"][0]["message"]
    assert bad.status_code == 201


def test_submitting_an_incomplete_draft_answers_409_with_the_problems():
    application = ApplicationFactory(lay_summary="")
    client = token_client(coordinator_of(application))
    response = client.post(f"{API}{application.pk}/submit/", {"expected_state": "draft"}, format="json")
    assert response.status_code == 409
    assert body(response)["detail"] == "This application cannot be submitted yet."
    assert body(response)["problems"]


def test_submit_then_a_stale_second_submit_answers_409():
    application = ApplicationFactory()
    add_form(application)
    client = token_client(coordinator_of(application))
    submitted = client.post(f"{API}{application.pk}/submit/", {"expected_state": "draft"}, format="json")
    assert submitted.status_code == 200, body(submitted)
    assert body(submitted)["state"] == State.RAS_CHECK
    again = client.post(f"{API}{application.pk}/submit/", {"expected_state": "draft"}, format="json")
    assert again.status_code == 409
    assert body(again)["current_state"] == State.RAS_CHECK
    unknown = client.post(f"{API}{application.pk}/submit/", {"expected_state": "flying"}, format="json")
    assert unknown.status_code == 400


def test_answering_a_query_returns_the_application_to_the_stage_that_asked():
    application = advance(ApplicationFactory(), State.QUERIED, People.create())
    client = token_client(coordinator_of(application))
    url = f"{API}{application.pk}/resubmit/"
    missing = client.post(url, {"answers": ""}, format="json")
    assert body(missing)["errors"] == {"answers": ["Enter your answers to the questions"]}
    answered = client.post(url, {"answers": "Here they are.", "expected_state": "queried"}, format="json")
    assert answered.status_code == 200
    assert body(answered)["state"] == State.RAS_CHECK
    assert body(answered)["queries"][-1]["answers"] == "Here they are."


def test_staff_read_a_submitted_application_and_it_is_audited():
    application = advance(ApplicationFactory(), State.RAS_CHECK, People.create())
    ras = staff(Role.RAS_OFFICER)
    response = session_client(ras).get(f"{API}{application.pk}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.APPLICATION_OPENED, actor=ras).count() == 1
    draft = ApplicationFactory()
    assert session_client(ras).get(f"{API}{draft.pk}/").status_code == 404
