"""Staff through the API: the queue (the page's selector and filters), the review, decisions and the access list."""

import pytest

from applications.member_access.services import suspend_member_access
from applications.models import MemberAccess
from applications.states import State
from declarations.models import Declaration
from reviews.forms import QueueFilterForm
from reviews.models import IntakeItem
from reviews.selectors import queue
from reviews.services import add_internal_note
from tests.factories import ApplicationFactory, coordinator_of, requesting, researcher
from tests.lifecycle import People, advance

from .helpers import body, session_client, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


def ids(response):
    return [row["id"] for row in body(response)["results"]]


def test_the_queue_answers_with_the_pages_filters_search_and_order(people):
    titles = ["Apprenticeships and pay", "Pay after university", "School meals"]
    waiting = [advance(ApplicationFactory(title=title), State.RAS_CHECK, people) for title in titles]
    requesting(waiting[2], "NPD")
    client = token_client(people.ras, "read")
    everything = client.get("/api/v1/queues/intake/")
    assert everything.status_code == 200
    assert ids(everything) == [str(a.pk) for a in waiting]  # waiting longest first, as the page
    for params in ("q=pay&sort=title", "dataset=NPD", "sort=newest", "q=" + waiting[1].reference, "state=queried"):
        expected = queue("intake", people.ras, QueueFilterForm(dict(p.split("=") for p in params.split("&"))).filters())
        answer = client.get(f"/api/v1/queues/intake/?{params}")
        assert ids(answer) == [str(a.pk) for a in expected], params
    assert ids(client.get("/api/v1/queues/intake/?q=pay&sort=title")) == [str(waiting[0].pk), str(waiting[1].pk)]
    row = body(everything)["results"][0]
    assert (row["reference"], row["days_at_stage"], row["overdue"]) == (waiting[0].reference, 0, False)


def test_the_queue_pages_by_cursor(people):
    waiting = [advance(ApplicationFactory(), State.RAS_CHECK, people) for _ in range(3)]
    client = token_client(people.ras, "read")
    seen, url = [], "/api/v1/queues/intake/?page_size=2&sort=reference"
    while url:
        page = body(client.get(url))
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == [str(a.pk) for a in sorted(waiting, key=lambda a: a.reference)]


def test_only_ones_own_teams_queue_opens(people):
    assert token_client(people.dfe, "read").get("/api/v1/queues/intake/").status_code == 403
    assert token_client(people.dfe, "read").get("/api/v1/queues/dfe/").status_code == 200
    assert token_client(people.admin, "read").get("/api/v1/queues/dfe/").status_code == 200
    assert token_client(people.ras, "read").get("/api/v1/queues/nowhere/").status_code == 404
    assert token_client(researcher(), "read").get("/api/v1/queues/intake/").status_code == 403


def test_the_review_shows_staff_what_the_review_page_shows(people):
    application = advance(ApplicationFactory(), State.RAS_CHECK, people)
    add_internal_note(application_id=application.pk, by=people.ras, text="Checked the funder.")
    review = body(token_client(people.ras, "read").get(f"/api/v1/reviews/{application.pk}/"))
    assert review["team_holding"] == "intake"
    assert [note["text"] for note in review["notes"]] == ["Checked the funder."]
    assert review["reference"] == application.reference
    member = coordinator_of(application)
    assert token_client(member, "read").get(f"/api/v1/reviews/{application.pk}/").status_code == 403
    assert token_client(researcher(), "read").get(f"/api/v1/reviews/{application.pk}/").status_code == 404


def test_intake_decisions_use_the_pages_form_and_services(people):
    application = advance(ApplicationFactory(), State.RAS_CHECK, people)
    client = token_client(people.ras)
    url = f"/api/v1/applications/{application.pk}/intake-decision/"
    no_questions = client.post(url, {"decision": "query", "text": ""}, format="json")
    assert body(no_questions)["errors"] == {"text": ["Enter the questions"]}
    unchecked = client.post(url, {"decision": "pass"}, format="json")
    assert unchecked.status_code == 409
    passed = client.post(
        url, {"decision": "pass", "checks": list(IntakeItem.values), "expected_state": "ras_check"}, format="json"
    )
    assert passed.status_code == 200, body(passed)
    assert body(passed)["state"] == State.DEPARTMENT_REVIEW
    stale = client.post(url, {"decision": "reject", "text": "No.", "expected_state": "ras_check"}, format="json")
    assert stale.status_code == 409
    assert body(stale)["current_state"] == State.DEPARTMENT_REVIEW
    assert "updated by someone else" in body(stale)["detail"]
    assert token_client(people.dfe).post(url, {"decision": "pass"}, format="json").status_code == 403


def test_a_department_records_its_own_decision(people):
    application = advance(ApplicationFactory(), State.DEPARTMENT_REVIEW, people)
    url = f"/api/v1/applications/{application.pk}/department-decision/"
    decided = token_client(people.hmrc).post(url, {"decision": "approved"}, format="json")
    assert decided.status_code == 200, body(decided)
    reviews = {r["department"]: r["decision"] for r in body(decided)["department_reviews"]}
    assert reviews == {"dfe": "pending", "dwp": "pending", "hmrc": "approved"}
    refused = token_client(people.hmrc).post(url, {"decision": "rejected", "text": ""}, format="json")
    assert body(refused)["errors"] == {"text": ["Enter the reasons for rejecting the application"]}
    assert token_client(people.ras).post(url, {"decision": "approved"}, format="json").status_code == 403
    assert token_client(people.dfe, "read").post(url, {"decision": "approved"}, format="json").status_code == 403


def test_the_access_list_names_who_may_use_the_data_and_answers_304_when_unchanged(people):
    granted = advance(ApplicationFactory(), State.ACCESS_GRANTED, people)
    advance(ApplicationFactory(), State.ACCREDITED, people)  # declarations not all signed: no access yet
    client = session_client(people.ras)
    first = client.get("/api/v1/access-list/")
    assert first.status_code == 200
    entries = body(first)["entries"]
    signed = Declaration.objects.filter(application=granted, signed_at__isnull=False)
    assert sorted(e["email"] for e in entries) == sorted(d.member.email for d in signed)
    assert {e["reference"] for e in entries} == {granted.reference}
    record = MemberAccess.objects.get(application=granted, user__email=entries[0]["email"])
    assert entries[0]["access_ends_on"] == str(record.valid_until)
    etag = first["ETag"]
    unchanged = client.get("/api/v1/access-list/", HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    advance(ApplicationFactory(), State.ACCESS_GRANTED, people)
    changed = client.get("/api/v1/access-list/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert len(body(changed)["entries"]) > len(entries)
    # A suspended member is no longer on the list.
    suspend_member_access(access_id=record.pk, by=people.ras, reason="A breach of the declaration")
    after_suspension = client.get("/api/v1/access-list/", HTTP_IF_NONE_MATCH=changed["ETag"])
    assert after_suspension.status_code == 200
    assert record.user.email not in [e["email"] for e in body(after_suspension)["entries"]]


def test_only_the_ras_and_admins_read_the_access_list(people):
    assert token_client(people.admin, "read").get("/api/v1/access-list/").status_code == 200
    for someone in (people.dfe, people.panel, researcher()):
        assert token_client(someone, "read").get("/api/v1/access-list/").status_code == 403
