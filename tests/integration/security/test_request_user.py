"""Each signed-in request reads its person and their roles in one query, and a role taken away is gone at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leo_access.roles import Role
from tests.lifecycle import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


def test_the_person_and_their_roles_are_read_in_one_query(client, people):
    client.force_login(people.ras)
    client.get(reverse("reviews:my_work"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reviews:my_work")).status_code == 200
    group_reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "auth_group"')]
    assert group_reads == []


def test_a_role_taken_away_is_gone_from_the_next_request(client, people):
    client.force_login(people.ras)
    assert client.get(reverse("reviews:team_queue", args=["intake"])).status_code == 200
    people.ras.groups.remove(Group.objects.get(name=Role.RAS_OFFICER))
    assert client.get(reverse("reviews:team_queue", args=["intake"])).status_code in (403, 404)
