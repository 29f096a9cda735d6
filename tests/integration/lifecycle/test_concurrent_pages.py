"""Twenty people send a decision on one application at the same moment, through the real pages of a threaded
server: exactly one is taken (302), and each of the nineteen others is told the application moved on (409).

Every decision page is tried - intake, department, the panel through a meeting's agenda item, resubmitting - each
mixed with the co-ordinator withdrawing, which every stage allows; they must share one way of refusing a decision
that lost.
"""

import re
import threading

import pytest
import requests
from django.urls import reverse

from applications.states import State
from leo_access.roles import Role
from reviews.services import add_to_agenda, create_meeting
from tests.conftest import Client
from tests.factories import coordinator_of, staff
from tests.lifecycle import People, advance, application_with_member, approve

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 20
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def session_of(user, live_server, page):
    """A browser session of `user` on the live server, with the form's CSRF token from `page`."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    response = session.get(live_server.url + page, timeout=30)
    assert response.status_code == 200, (page, response.status_code)
    return session, TOKEN.search(response.text).group(1)


def scenario(kind, people):
    """The application, and for each of the twenty people: who acts, on which page, sending what."""
    application, _member = application_with_member()
    coordinator = coordinator_of(application)
    withdraw = (
        coordinator,
        reverse("applications:withdraw", args=[application.pk]),
        {"reason": "We are stopping the project."},
    )
    if kind == "intake":
        application = advance(application, State.RAS_CHECK, people)
        page = reverse("reviews:intake", args=[application.pk])
        officers = [staff(Role.RAS_OFFICER) for _ in range(4)]
        decisions = [{"decision": "query", "text": "Which funder?"}, {"decision": "reject", "text": "Out of scope."}]
        deciders = [(officers[i % 4], page, decisions[i % 2]) for i in range(PEOPLE - 4)]
    elif kind == "department":
        application = advance(application, State.DEPARTMENT_REVIEW, people)
        approve(application, people, "hmrc", "dwp")  # any DfE decision now ends department review
        page = reverse("reviews:department", args=[application.pk])
        reviewers = [staff(Role.DFE_REVIEWER) for _ in range(4)]
        decisions = [{"decision": "approved"}, {"decision": "rejected", "text": "Not lawful."}]
        deciders = [(reviewers[i % 4], page, decisions[i % 2]) for i in range(PEOPLE - 4)]
    elif kind == "panel_meeting":
        application = advance(application, State.PANEL_REVIEW, people)
        members = [staff(Role.PANEL_MEMBER) for _ in range(4)]
        meeting = create_meeting(by=members[0], date="2026-12-01", members_present="A\nB\nC", independent_members="C")
        item = add_to_agenda(meeting_id=meeting.pk, application_id=application.pk, by=members[0])
        page = reverse("reviews:agenda_item", args=[meeting.pk, item.pk])
        accredit = {"decision": "accredit", "ends_on_0": "31", "ends_on_1": "3", "ends_on_2": "2029"}
        decisions = [accredit, {"decision": "reject", "text": "Not now."}]
        deciders = [(members[i % 4], page, decisions[i % 2]) for i in range(PEOPLE - 4)]
    else:  # resubmit: the co-ordinator in several windows answering the same query
        application = advance(application, State.QUERIED, people)
        page = reverse("applications:resubmit", args=[application.pk])
        deciders = [(coordinator, page, {"answers": f"The funder is UKRI ({i})."}) for i in range(PEOPLE - 4)]
    return application, deciders + [withdraw] * 4


@pytest.mark.parametrize("kind", ["intake", "department", "panel_meeting", "resubmit"])
def test_twenty_decisions_at_once_through_a_threaded_server_one_302_and_nineteen_409s(kind, live_server):
    people = People.create()
    application, actors = scenario(kind, people)
    seen = application.state
    prepared = [(*session_of(user, live_server, page), page, data) for user, page, data in actors]
    barrier = threading.Barrier(PEOPLE)
    answers = [None] * PEOPLE

    def send(i):
        session, token, page, data = prepared[i]
        barrier.wait()
        response = session.post(
            live_server.url + page,
            {**data, "csrfmiddlewaretoken": token, "expected_state": seen},
            allow_redirects=False,
            timeout=60,
        )
        answers[i] = (response.status_code, response.text)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(status for status, _text in answers)
    assert statuses == [302] + [409] * (PEOPLE - 1), statuses
    for status, text in answers:
        if status == 409:  # the page says why, in its error summary
            assert "govuk-error-summary" in text
            assert "updated by someone else" in text or "already decided" in text
