"""The panel through the API: meetings and their agendas, and the panel's decisions through a meeting, by the
meeting pages' form and service; refused to the roles the pages refuse, and 409 when the item has moved on."""

from datetime import date, timedelta

import pytest

from applications.models import Application
from applications.states import State
from reviews.models import AgendaItem, PanelMeeting
from reviews.services import add_to_agenda, create_meeting
from tests.factories import ApplicationFactory, coordinator_of
from tests.lifecycle import People, advance

from .helpers import body, token_client

pytestmark = pytest.mark.django_db
QUORATE = {"members_present": "Chair\nIndependent member\nDfE official", "independent_members": "Independent member"}


@pytest.fixture
def people():
    return People.create()


@pytest.fixture
def agenda(people):
    """A held, quorate meeting with two applications at panel review on its agenda."""
    meeting = create_meeting(by=people.panel, date=date.today(), **QUORATE)
    applications = [advance(ApplicationFactory(), State.PANEL_REVIEW, people) for _ in range(2)]
    items = [
        add_to_agenda(meeting_id=meeting.pk, application_id=application.pk, by=people.panel)
        for application in applications
    ]
    return meeting, items


def decide(client, item, **data):
    return client.post(f"/api/v1/meetings/{item.meeting_id}/items/{item.pk}/decision/", data, format="json")


def test_the_panel_lists_meetings_and_reads_an_agenda(people, agenda):
    meeting, items = agenda
    older = create_meeting(by=people.panel, date=date.today() - timedelta(days=30), **QUORATE)
    client = token_client(people.panel, "read")
    listed = body(client.get("/api/v1/meetings/"))["results"]
    assert [row["id"] for row in listed] == [meeting.pk, older.pk]  # the latest first, as the page
    assert listed[0]["members_present"] == ["Chair", "Independent member", "DfE official"]
    assert listed[0]["quorum_problem"] is None
    detail = body(client.get(f"/api/v1/meetings/{meeting.pk}/"))
    assert [row["id"] for row in detail["agenda"]] == [item.pk for item in items]
    assert detail["agenda"][0]["reference"] == items[0].application.reference
    assert detail["agenda"][0]["outcome"] == AgendaItem.Outcome.PENDING


def test_the_panel_accredits_with_conditions_queries_and_rejects(people, agenda):
    meeting, items = agenda
    third = advance(ApplicationFactory(), State.PANEL_REVIEW, people)
    items.append(add_to_agenda(meeting_id=meeting.pk, application_id=third.pk, by=people.panel))
    client = token_client(people.panel, "write")
    ends = date.today() + timedelta(days=800)
    answers = [
        decide(client, items[0], decision="accredit", text="Outputs checked at 10.", ends_on=ends.isoformat(),
               expected_state="panel_review"),
        decide(client, items[1], decision="query", text="Which cohorts?"),
        decide(client, items[2], decision="reject", text="No public benefit shown."),
    ]  # fmt: skip
    assert [answer.status_code for answer in answers] == [200, 200, 200], [a.content for a in answers]
    assert [body(answer)["outcome"] for answer in answers] == ["accredited", "queried", "rejected"]
    states = [Application.objects.get(pk=item.application_id).state for item in items]
    assert states == [State.ACCREDITED, State.QUERIED, State.REJECTED]
    accredited = Application.objects.get(pk=items[0].application_id)
    assert accredited.accreditation_ends_on == ends
    assert accredited.panel_meeting_date == meeting.date
    assert AgendaItem.objects.get(pk=items[0].pk).note == "Outputs checked at 10."


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision": "accredit"}, "ends_on", "Enter the date accreditation ends"),
        ({"decision": "query"}, "text", "Enter the questions"),
        ({"decision": "reject", "text": " "}, "text", "Enter the reasons for rejecting the application"),
        ({"decision": "approve"}, "decision", "Select a valid choice"),
    ],
)
def test_a_decision_missing_what_the_page_asks_for_is_refused_in_its_words(people, agenda, data, field, message):
    _, items = agenda
    answer = decide(token_client(people.panel), items[0], **data)
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert message in body(answer)["errors"][field][0]
    assert Application.objects.get(pk=items[0].application_id).state == State.PANEL_REVIEW


def test_a_stale_decision_answers_409_as_the_page(people, agenda):
    _, items = agenda
    client = token_client(people.panel)
    assert decide(client, items[0], decision="query", text="Which cohorts?").status_code == 200
    again = decide(client, items[0], decision="reject", text="Too late.", expected_state="panel_review")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert body(again)["current_state"] == State.QUERIED
    assert Application.objects.get(pk=items[0].application_id).state == State.QUERIED


def test_a_meeting_short_of_its_quorum_decides_nothing(people):
    meeting = PanelMeeting.objects.create(
        date=date.today(), members_present="Chair\nOne", independent_members="One", created_by=people.panel
    )
    application = advance(ApplicationFactory(), State.PANEL_REVIEW, people)
    item = AgendaItem.objects.create(meeting=meeting, application=application)
    answer = decide(token_client(people.panel), item, decision="reject", text="No.")
    assert answer.status_code == 409
    assert "at least three members" in body(answer)["problems"][0]
    assert Application.objects.get(pk=application.pk).state == State.PANEL_REVIEW


def test_other_roles_are_refused_as_on_the_pages(people, agenda):
    meeting, items = agenda
    member = coordinator_of(items[0].application)
    for user in (people.dfe, people.delegated, member):
        client = token_client(user)
        assert client.get("/api/v1/meetings/").status_code == 403
        assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 403
        assert decide(client, items[0], decision="reject", text="No.").status_code == 403
    ras = token_client(people.ras)  # RAS officers see meetings, as on the pages, but decide nothing
    assert ras.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 200
    assert decide(ras, items[0], decision="reject", text="No.").status_code == 403
    read_only = decide(token_client(people.panel, "read"), items[0], decision="reject", text="No.")
    assert read_only.status_code == 403
    assert decide(token_client(people.panel), items[0], decision="accredit").status_code == 400
    assert Application.objects.get(pk=items[0].application_id).state == State.PANEL_REVIEW


def test_an_item_of_another_meeting_or_none_is_not_found(people, agenda):
    _meeting, items = agenda
    other = create_meeting(by=people.panel, date=date.today(), **QUORATE)
    client = token_client(people.panel)
    wrong = client.post(f"/api/v1/meetings/{other.pk}/items/{items[0].pk}/decision/", {}, format="json")
    assert wrong.status_code == 404
    assert client.get(f"/api/v1/meetings/{other.pk + 100}/").status_code == 404
