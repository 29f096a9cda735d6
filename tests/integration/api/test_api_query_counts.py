"""The API's lists and documents take a fixed number of queries however many rows there are, as the pages do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.states import State
from tests.factories import ApplicationFactory, researcher
from tests.lifecycle import People, advance

from .helpers import token_client

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    client.get(url)  # the token's first use of the minute also writes its last-used time
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
