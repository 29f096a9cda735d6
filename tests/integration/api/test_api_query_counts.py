"""The API's lists and documents take a fixed number of queries however many rows there are, as the pages do."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications.register import cache as register_cache
from applications.register.cache import forget_local
from applications.states import State
from reviews.services import add_to_agenda, create_meeting
from tests.factories import ApplicationFactory, researcher
from tests.lifecycle import People, advance

from .helpers import token_client

pytestmark = pytest.mark.django_db


def queries(client, url, clear=False) -> int:
    client.get(url)  # the token's first use of the minute also writes its last-used time
    if clear:
        register_cache.bump()  # a new version of the register: its page read again (its filter choices too)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_and_the_access_list_cost_the_same_with_more_applications():
    people = People.create()
    ras = token_client(people.ras, "read")
    advance(ApplicationFactory(), State.RAS_CHECK, people)
    advance(ApplicationFactory(), State.ACCESS_GRANTED, people)
    urls = ["/api/v1/queues/intake/", "/api/v1/queues/intake/?q=study&sort=title&overdue=1", "/api/v1/access-list/"]
    few = {url: queries(ras, url) for url in urls}
    for _ in range(4):
        advance(ApplicationFactory(), State.RAS_CHECK, people)
        advance(ApplicationFactory(), State.ACCESS_GRANTED, people)
    many = {url: queries(ras, url) for url in urls}
    assert many == few


def test_a_researchers_list_costs_the_same_with_more_applications():
    user = researcher()
    client = token_client(user, "read")
    ApplicationFactory(created_by=user)
    few = queries(client, "/api/v1/applications/")
    for _ in range(5):
        ApplicationFactory(created_by=user)
    assert queries(client, "/api/v1/applications/") == few


def test_the_register_and_a_meetings_agenda_cost_the_same_with_more_applications():
    people = People.create()
    panel = token_client(people.panel, "read")
    meeting = create_meeting(by=people.panel, date=date.today(), members_present="A\nB\nC", independent_members="C")

    def grow():
        advance(ApplicationFactory(), State.ACCESS_GRANTED, people)
        at_panel = advance(ApplicationFactory(), State.PANEL_REVIEW, people)
        add_to_agenda(meeting_id=meeting.pk, application_id=at_panel.pk, by=people.panel)

    def measured():
        cache.clear()  # the register's page counted as read, not as kept
        forget_local()
        return {
            "register": queries(APIClient(), "/api/v1/register/?status=access_granted", clear=True),
            "meetings": queries(panel, "/api/v1/meetings/"),
            "agenda": queries(panel, f"/api/v1/meetings/{meeting.pk}/"),
        }

    grow()
    few = measured()
    for _ in range(4):
        grow()
    assert measured() == few
