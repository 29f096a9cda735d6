"""Only a panel meeting that meets the quorum - at least three members present, at least one independent - with
the application on its agenda accredits it, whatever path records the decision."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from applications.errors import GuardFailed, InvalidInput
from applications.states import State
from declarations.models import Declaration
from reviews.models import AgendaItem, PanelMeeting
from reviews.services import accredit_application, add_to_agenda, create_meeting, record_agenda_decision
from tests.lifecycle import People, advance, application_with_member, reload

pytestmark = pytest.mark.django_db

ENDS = date.today() + timedelta(days=3 * 365)


@pytest.fixture
def people():
    return People.create()


@pytest.fixture
def at_panel(people):
    return advance(application_with_member()[0], State.PANEL_REVIEW, people)


def assert_not_accredited(application):
    application = reload(application)
    assert application.state == State.PANEL_REVIEW
    assert application.accredited_at is None
    assert not application.events.filter(kind="accredited").exists()
    assert not Declaration.objects.filter(application=application).exists()


def test_the_panel_page_does_not_accredit_without_a_meeting(client, people, at_panel):
    client.force_login(people.panel)
    response = client.post(
        reverse("reviews:panel", args=[at_panel.pk]),
        {
            "decision": "accredit",
            "meeting_date_0": str(date.today().day),
            "meeting_date_1": str(date.today().month),
            "meeting_date_2": str(date.today().year),
            "members_present": "just me",
            "ends_on_0": "31",
            "ends_on_1": "3",
            "ends_on_2": str(ENDS.year),
            "expected_state": "panel_review",
        },
    )
    assert response.status_code == 200
    assert not PanelMeeting.objects.exists()
    assert_not_accredited(at_panel)


def test_the_panel_page_still_sends_questions(client, people, at_panel):
    client.force_login(people.panel)
    response = client.post(
        reverse("reviews:panel", args=[at_panel.pk]),
        {"decision": "query", "text": "Which cohorts?", "expected_state": "panel_review"},
    )
    assert response.status_code == 302
    assert reload(at_panel).state == State.QUERIED


@pytest.mark.parametrize(
    ("members", "independents"),
    [("Chair\nDfE official", "Chair"), ("Chair\nONS member\nDfE official", ""), ("Chair\nONS member", "")],
    ids=["two members", "no independent", "neither"],
)
def test_a_meeting_short_of_the_quorum_cannot_accredit(people, at_panel, members, independents):
    # A meeting recorded some other way than through `create_meeting` (the admin, a data fix) is held to the rule
    # when it decides.
    meeting = PanelMeeting.objects.create(
        date=date.today(), members_present=members, independent_members=independents, created_by=people.panel
    )
    item = AgendaItem.objects.create(meeting=meeting, application=at_panel)
    with pytest.raises(GuardFailed, match="quorum"):
        record_agenda_decision(item_id=item.pk, by=people.panel, decision="accredit", ends_on=ENDS)
    with pytest.raises(GuardFailed, match="quorum"):
        accredit_application(application_id=at_panel.pk, by=people.panel, meeting_id=meeting.pk, ends_on=ENDS)
    assert_not_accredited(at_panel)
    assert AgendaItem.objects.get(pk=item.pk).outcome == AgendaItem.Outcome.PENDING


def test_a_quorate_meeting_accredits_only_what_is_on_its_agenda(people, at_panel):
    meeting = create_meeting(
        by=people.panel,
        date=date.today(),
        members_present="Chair\nIndependent\nDfE official",
        independent_members="Independent",
    )
    with pytest.raises(GuardFailed, match="agenda"):
        accredit_application(application_id=at_panel.pk, by=people.panel, meeting_id=meeting.pk, ends_on=ENDS)
    assert_not_accredited(at_panel)

    item = add_to_agenda(meeting_id=meeting.pk, application_id=at_panel.pk, by=people.panel)
    accredit_application(
        application_id=at_panel.pk, by=people.panel, meeting_id=meeting.pk, conditions="Outputs at 10.", ends_on=ENDS
    )
    application = reload(at_panel)
    assert application.state == State.ACCREDITED
    assert application.panel_meeting_date == meeting.date
    assert application.panel_members_present == "Chair; Independent; DfE official"
    assert application.accreditation_ends_on == ENDS
    assert application.events.get(kind="accredited").data["meeting_id"] == meeting.pk
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.ACCREDITED
    assert item.note == "Outputs at 10."


def test_a_closed_meeting_accredits_nothing(people, at_panel):
    meeting = create_meeting(by=people.panel, date=date.today(), members_present="A\nB\nC", independent_members="C")
    add_to_agenda(meeting_id=meeting.pk, application_id=at_panel.pk, by=people.panel)
    PanelMeeting.objects.filter(pk=meeting.pk).update(status=PanelMeeting.Status.CLOSED)
    with pytest.raises(InvalidInput, match="closed"):
        accredit_application(application_id=at_panel.pk, by=people.panel, meeting_id=meeting.pk, ends_on=ENDS)
    assert_not_accredited(at_panel)
