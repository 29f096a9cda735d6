"""Every review URL against every role: what each may open (200/302 on success), and what is refused."""

from datetime import date

import pytest
from django.urls import reverse

from applications.states import State
from reviews.services import add_to_agenda, create_meeting
from tests.factories import ApplicationFactory, coordinator_of
from tests.lifecycle import People, advance

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "coordinator", "outsider", "ras", "dfe", "hmrc", "dwp", "panel", "admin"]


def expect(ok: set, ok_status=200, refused=403):
    """anonymous is sent to sign in; roles in `ok` get ok_status; everyone else `refused`."""
    return {role: 302 if role == "anonymous" else (ok_status if role in ok else refused) for role in ROLES}


STAFF = {"ras", "dfe", "hmrc", "dwp", "panel", "admin"}
CASES = [
    ("reviews:queue", "get", "none", expect(STAFF - {"ras", "dfe", "hmrc", "dwp", "panel"}) | {
        "ras": 302, "dfe": 302, "hmrc": 302, "dwp": 302, "panel": 302}),
    ("reviews:team_queue:intake", "get", "none", expect({"ras", "admin"})),
    ("reviews:team_queue:dfe", "get", "none", expect({"dfe", "admin"})),
    ("reviews:team_queue:hmrc", "get", "none", expect({"hmrc", "admin"})),
    ("reviews:team_queue:dwp", "get", "none", expect({"dwp", "admin"})),
    ("reviews:team_queue:panel", "get", "none", expect({"panel", "admin"})),
    ("reviews:my_work", "get", "none", expect(STAFF)),
    ("reviews:review", "get", "intake", expect(STAFF)),
    ("reviews:intake", "get", "intake", expect({"ras"})),
    ("reviews:department", "get", "departments", expect({"dfe", "hmrc", "dwp"})),
    ("reviews:panel", "get", "panel", expect({"panel"})),
    ("reviews:assign", "post", "departments", expect({"dfe", "hmrc", "dwp"}, ok_status=302)),
    ("reviews:note", "post", "intake", expect(STAFF, ok_status=302)),
    ("declarations:grant_access", "post", "accredited", expect({"ras"}, ok_status=409)),
    ("reviews:close", "get", "granted", expect({"admin"})),
    ("reviews:meetings", "get", "none", expect({"panel", "ras", "admin"})),
    ("reviews:meeting", "get", "meeting", expect({"panel", "ras", "admin"})),
    ("reviews:agenda_item", "get", "meeting", expect({"panel"})),
    # Closing asks for confirmation first: a POST without it shows the confirmation page.
    ("reviews:meeting_close", "post", "meeting", expect({"panel"}, ok_status=200)),
]  # fmt: skip


@pytest.fixture
def world():
    people = People.create()
    apps = {
        "intake": advance(ApplicationFactory(), State.RAS_CHECK, people),
        "departments": advance(ApplicationFactory(), State.DEPARTMENT_REVIEW, people),
        "panel": advance(ApplicationFactory(), State.PANEL_REVIEW, people),
        "accredited": advance(ApplicationFactory(), State.ACCREDITED, people),
        "granted": advance(ApplicationFactory(), State.ACCESS_GRANTED, people),
    }
    meeting = create_meeting(by=people.panel, date=date.today(), members_present="A\nB\nC", independent_members="C")
    item = add_to_agenda(meeting_id=meeting.pk, application_id=apps["panel"].pk, by=people.panel)
    return people, apps, meeting, item


def url_for(name, target, apps, meeting, item):
    if name.startswith("reviews:team_queue:"):
        return reverse("reviews:team_queue", args=[name.rsplit(":", 1)[1]])
    if target == "none":
        return reverse(name)
    if name == "reviews:agenda_item":
        return reverse(name, args=[meeting.pk, item.pk])
    if target == "meeting":
        return reverse(name, args=[meeting.pk])
    return reverse(name, args=[apps[target].pk])


@pytest.mark.parametrize(("name", "method", "target", "expected"), CASES, ids=[c[0] for c in CASES])
def test_every_review_url_for_every_role(client, world, name, method, target, expected):
    people, apps, meeting, item = world
    url = url_for(name, target, apps, meeting, item)
    if target not in ("none", "meeting"):
        # Another researcher's application is not found, so its existence is not revealed.
        expected = expected | {"outsider": 404}
    for role in ROLES:
        client.logout()
        if role == "coordinator":
            client.force_login(coordinator_of(apps[target] if target in apps else apps["intake"]))
        elif role != "anonymous":
            client.force_login(getattr(people, role))
        response = getattr(client, method)(url)
        assert response.status_code == expected[role], (role, url, response.status_code)
        if role == "anonymous":
            assert response.headers["Location"].startswith(reverse("account_login"))
