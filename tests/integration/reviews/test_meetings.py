from datetime import date, timedelta

import pytest
from django.urls import reverse

from applications.errors import InvalidInput
from applications.models import Application
from applications.states import State
from reviews.models import AgendaItem, PanelMeeting
from reviews.services import add_to_agenda, create_meeting
from tests.factories import ApplicationFactory
from tests.lifecycle import People, advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


@pytest.mark.parametrize(
    ("members", "independents", "message"),
    [
        ("Ann\nBo", "Ann", "at least three members"),
        ("Ann\nBo\nCy", "", "at least one independent"),
        ("Ann\nBo\nCy", "Dee", "must also be listed"),
    ],
)
def test_a_meeting_needs_three_members_and_an_independent_one(people, members, independents, message):
    with pytest.raises(InvalidInput, match=message):
        create_meeting(by=people.panel, date=date.today(), members_present=members, independent_members=independents)


def test_a_meeting_accredits_rejects_and_queries_its_agenda_then_gives_its_record(client, people):
    applications = [advance(ApplicationFactory(), State.PANEL_REVIEW, people) for _ in range(3)]
    client.force_login(people.panel)
    response = client.post(
        reverse("reviews:meetings"),
        {
            "date_0": "2",
            "date_1": "12",
            "date_2": "2026",
            "members_present": "Chair\nIndependent member\nDfE official",
            "independent_members": "Independent member",
        },
    )
    meeting = PanelMeeting.objects.get()
    assert response.headers["Location"] == reverse("reviews:meeting", args=[meeting.pk])
    for application in applications:
        client.post(reverse("reviews:meeting", args=[meeting.pk]), {"application": application.pk})
    items = list(meeting.agenda.order_by("id"))
    assert [i.application_id for i in items] == [a.pk for a in applications]

    ends = date.today() + timedelta(days=800)
    decisions = [
        {"decision": "accredit", "text": "Outputs checked at 10.", "ends_on_0": ends.day, "ends_on_1": ends.month,
         "ends_on_2": ends.year},
        {"decision": "reject", "text": "No public benefit shown."},
        {"decision": "query", "text": "Which cohorts?"},
    ]  # fmt: skip
    for item, data in zip(items, decisions, strict=True):
        response = client.post(
            reverse("reviews:agenda_item", args=[meeting.pk, item.pk]), {**data, "expected_state": "panel_review"}
        )
        assert response.status_code == 302, response.content.decode()[:2000]

    states = [Application.objects.get(pk=a.pk).state for a in applications]
    assert states == [State.ACCREDITED, State.REJECTED, State.QUERIED]
    accredited = Application.objects.get(pk=applications[0].pk)
    assert accredited.panel_meeting_date == date(2026, 12, 2)
    assert "Independent member" in accredited.panel_members_present
    assert accredited.accreditation_ends_on == ends
    assert list(AgendaItem.objects.order_by("id").values_list("outcome", flat=True)) == [
        "accredited",
        "rejected",
        "queried",
    ]

    assert client.get(reverse("reviews:meeting_pdf", args=[meeting.pk])).status_code == 404
    client.post(reverse("reviews:meeting_close", args=[meeting.pk]), {"confirm": "yes"})
    pdf = client.get(reverse("reviews:meeting_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_only_applications_at_panel_review_go_on_the_agenda(people):
    meeting = create_meeting(by=people.panel, date=date.today(), members_present="A\nB\nC", independent_members="C")
    early = advance(ApplicationFactory(), State.RAS_CHECK, people)
    from applications.errors import StaleState

    with pytest.raises(StaleState):
        add_to_agenda(meeting_id=meeting.pk, application_id=early.pk, by=people.panel)


def test_meetings_are_for_the_panel(client, people):
    client.force_login(people.dfe)
    assert client.get(reverse("reviews:meetings")).status_code == 403
    client.force_login(people.ras)
    assert client.get(reverse("reviews:meetings")).status_code == 200
    assert client.post(reverse("reviews:meetings"), {}).status_code == 403
