"""The amendment pages: the co-ordinator drafts and submits from the project, staff decide from their queue, and a
decision on an amendment someone else has already moved on answers 409 with the reason."""

import pytest
from django.urls import reverse

from applications.models import Amendment, Application
from tests.factories import coordinator_of, researcher

from .conftest import amend

pytestmark = pytest.mark.django_db


def page(application, number=None):
    if number is None:
        return reverse("applications:amendments", args=[application.pk])
    return reverse("applications:amendment", args=[application.pk, number])


def review_page(amendment):
    return reverse("reviews:amendment", args=[amendment.application_id, amendment.number])


def test_the_coordinator_adds_a_member_through_the_pages(client, live):
    newcomer = researcher()
    client.force_login(coordinator_of(live))

    response = client.post(page(live))
    assert response.status_code == 302
    amendment = live.amendments.get()
    assert response["Location"] == page(live, amendment.number)

    form = {
        "action": "save",
        "expected_state": "draft",
        "summary": "A new research assistant joins.",
        "add_email": newcomer.email,
        "title": live.title,
        "lay_summary": live.lay_summary,
        "public_benefit_statement": live.public_benefit_statement,
        "dissemination_plan": live.dissemination_plan,
    }
    assert client.post(page(live, amendment.number), form).status_code == 302
    assert client.post(page(live, amendment.number), {"action": "submit", "expected_state": "draft"}).status_code == 302

    amendment.refresh_from_db()
    assert amendment.state == Amendment.State.APPROVED
    shown = client.get(reverse("applications:detail", args=[live.pk])).content.decode()
    assert "Version 2" in shown
    assert f"{newcomer.email} joined the team" in shown


def test_a_member_who_is_not_the_coordinator_reads_but_cannot_change(client, live):
    amendment = amend(live, submit=False, proposed={"title": "Another title"})
    client.force_login(live.member)

    assert client.get(page(live, amendment.number)).status_code == 200
    assert client.post(page(live, amendment.number), {"action": "submit"}).status_code == 403
    assert client.post(page(live)).status_code == 403


def test_someone_outside_the_project_finds_nothing(client, live):
    amendment = amend(live, submit=False, proposed={"title": "Another title"})
    client.force_login(researcher())

    assert client.get(page(live)).status_code == 404
    assert client.get(page(live, amendment.number)).status_code == 404


def test_the_ras_triages_and_approves_from_the_queue(client, live, people):
    amendment = amend(live, proposed={"title": "A clearer title"})
    client.force_login(people.ras)

    queue = client.get(reverse("reviews:amendments")).content.decode()
    assert review_page(amendment) in queue
    response = client.post(
        review_page(amendment),
        {"decision": "approve", "triage": "minor", "expected_state": "under_review", "expected_stage": "ras"},
    )

    assert response.status_code == 302
    assert Application.objects.get(pk=live.pk).title == "A clearer title"


def test_a_decision_on_an_amendment_that_moved_on_answers_409(client, live, people):
    amendment = amend(live, proposed={"title": "A clearer title"})
    client.force_login(people.ras)
    decision = {"decision": "approve", "triage": "material", "expected_state": "under_review", "expected_stage": "ras"}
    assert client.post(review_page(amendment), decision).status_code == 302

    again = client.post(review_page(amendment), decision)

    assert again.status_code == 409
    assert "changed by someone else" in again.content.decode()


def test_a_department_sees_only_amendments_to_its_own_data(client, live, people, builder):
    amendment = amend(live, form_builder=builder.request("cjrs"))

    client.force_login(people.dfe)
    assert review_page(amendment) not in client.get(reverse("reviews:amendments")).content.decode()
    client.force_login(people.hmrc)
    assert review_page(amendment) in client.get(reverse("reviews:amendments")).content.decode()
    shown = client.get(review_page(amendment)).content.decode()
    assert "Table added: CJRS" in shown
    assert "HMRC: CJRS: table requested" in shown


def test_the_coordinator_answers_questions_on_the_amendment_page(client, live, people):
    from applications.amendments.decisions import decide_amendment

    amendment = amend(live, proposed={"lay_summary": "A shorter summary."})
    decide_amendment(amendment_id=amendment.pk, by=people.ras, decision="query", reasons="Why shorter?")
    client.force_login(coordinator_of(live))

    empty = client.post(page(live, amendment.number), {"action": "answer", "expected_state": "queried", "answers": ""})
    assert empty.status_code == 200
    assert "govuk-error-summary" in empty.content.decode()
    assert "Answer the questions" in empty.content.decode()

    answered = client.post(
        page(live, amendment.number), {"action": "answer", "expected_state": "queried", "answers": "It is clearer."}
    )
    assert answered.status_code == 302
    amendment.refresh_from_db()
    assert (amendment.state, amendment.answers) == (Amendment.State.UNDER_REVIEW, "It is clearer.")
