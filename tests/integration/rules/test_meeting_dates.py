"""A panel meeting is closed, and decides, only once its date has come."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications.errors import InvalidInput
from applications.states import State
from reviews.models import AgendaItem, PanelMeeting
from reviews.services import add_to_agenda, close_meeting, create_meeting, record_agenda_decision
from tests.factories import ApplicationFactory
from tests.lifecycle import People, advance, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


def future_meeting(people, days=7):
    return create_meeting(
        by=people.panel,
        date=date.today() + timedelta(days=days),
        members_present="Chair\nIndependent member\nDfE official",
        independent_members="Independent member",
    )


def test_a_meeting_cannot_be_closed_before_its_date(people):
    meeting = future_meeting(people)
    with pytest.raises(InvalidInput, match="before its date"):
        close_meeting(meeting_id=meeting.pk, by=people.panel)
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.OPEN
    assert meeting.closed_at is None


def test_a_meeting_closes_on_its_date(people):
    meeting = future_meeting(people)
    on_the_day = datetime.combine(meeting.date, time(17), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(on_the_day, tick=False):
        close_meeting(meeting_id=meeting.pk, by=people.panel)
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.CLOSED
    assert meeting.closed_at.date() == meeting.date


def test_the_page_says_why_a_future_meeting_stays_open(client, people):
    meeting = future_meeting(people)
    client.force_login(people.panel)
    response = client.post(reverse("reviews:meeting_close", args=[meeting.pk]), {"confirm": "yes"}, follow=True)
    page = response.content.decode()
    assert "cannot be closed before its date" in page
    assert "is closed" not in page
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.OPEN


def test_a_meeting_decides_nothing_before_its_date(people):
    meeting = future_meeting(people)
    application = advance(ApplicationFactory(), State.PANEL_REVIEW, people)
    item = add_to_agenda(meeting_id=meeting.pk, application_id=application.pk, by=people.panel)
    with pytest.raises(InvalidInput, match="before its date"):
        record_agenda_decision(item_id=item.pk, by=people.panel, decision="reject", text="Not now.")
    assert reload(application).state == State.PANEL_REVIEW
    assert AgendaItem.objects.get(pk=item.pk).outcome == AgendaItem.Outcome.PENDING
