"""Who is told about each transition, and what they are told."""

import re

import pytest
from django.core import mail
from django.utils.html import escape

from applications.services import invite_member, resubmit_application, withdraw_application
from applications.states import State
from notifications.models import Message, Preference, TeamSetting
from notifications.outbox import send
from notifications.reminders import send_digests
from notifications.tasks import notify_event
from reviews.services import query_application
from tests.factories import coordinator_of
from tests.lifecycle import People, advance, application_with_member


def sent_for(application, kind):
    """Send an event's messages now and return them as {recipient: message}."""
    event = application.events.filter(kind=kind).latest("at", "id")
    before = len(mail.outbox)
    notify_event(event.pk)
    return {message.to[0]: message for message in mail.outbox[before:]}


def html_of(message):
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


def assert_proper(message, application, *, says, link):
    """Reference and title, what happened, a link; nothing personal."""
    assert message.subject.startswith(f"{application.reference}: ")
    # Plain text is not HTML-escaped; the HTML is.
    for body, title in ((message.body, application.title), (html_of(message), escape(application.title))):
        assert application.reference in body
        assert title in body
        assert says in body
        assert f"http://127.0.0.1:8000{link}" in body
    coordinator = coordinator_of(application)
    for private in (coordinator.full_name, application.lay_summary, application.funder):
        if private:
            assert private not in message.body
            assert private not in html_of(message)


@pytest.fixture
def people(db):
    return People.create()


@pytest.mark.django_db
def test_every_transition_of_the_usual_path_tells_the_right_people(people, settings):
    application, member = application_with_member(title="Pay & progression <after 16>")
    coordinator = coordinator_of(application)
    team = {coordinator.email, member.email}
    application = advance(application, State.CLOSED, people)
    detail = f"/applications/{application.pk}/"
    review = f"/reviews/applications/{application.pk}/"

    submitted = sent_for(application, "submitted")
    assert set(submitted) == team | {people.ras.email}
    assert_proper(submitted[member.email], application, says="has been submitted", link=detail)
    assert_proper(submitted[people.ras.email], application, says="arrived in the RAS intake queue", link=review)

    passed = sent_for(application, "intake_passed")
    assert set(passed) == {people.dfe.email, people.hmrc.email, people.dwp.email}
    assert_proper(passed[people.hmrc.email], application, says="arrived in the HMRC queue", link=review)

    completed = sent_for(application, "department_review_completed")
    assert set(completed) == {people.panel.email}
    assert_proper(completed[people.panel.email], application, says="Research Accreditation Panel queue", link=review)

    accredited = application.events.get(kind="accredited")
    notify_event(accredited.pk)
    messages = Message.objects.filter(key__startswith=f"event:{accredited.pk}:")
    assert sorted(messages.values_list("template", "recipient")) == sorted(
        [("accredited", email) for email in team] + [("declaration_due", email) for email in team]
    )
    due = [m for m in mail.outbox if "Sign your Individual Declaration" in m.subject]
    assert {m.to[0] for m in due} == team
    assert_proper(
        due[0],
        application,
        says="Individual Declaration is due",
        link=f"/declarations/application/{application.pk}/sign/",
    )

    granted = sent_for(application, "access_granted")
    assert set(granted) == team
    assert_proper(granted[coordinator.email], application, says="has been granted", link=detail)

    closed = sent_for(application, "closed")
    assert set(closed) == team
    assert_proper(closed[member.email], application, says="has been closed", link=detail)


@pytest.mark.django_db
def test_a_query_and_its_answer_tell_the_team_then_the_stage_that_asked(people):
    application, member = application_with_member()
    coordinator = coordinator_of(application)
    application = advance(application, State.DEPARTMENT_REVIEW, people)
    query_application(application_id=application.pk, by=people.dfe, questions="Which years?")

    queried = sent_for(application, "queried")
    assert set(queried) == {coordinator.email, member.email}
    assert_proper(
        queried[coordinator.email], application, says="sent questions", link=f"/applications/{application.pk}/"
    )
    assert "Which years?" not in queried[coordinator.email].body  # the questions stay on the site

    resubmit_application(application_id=application.pk, by=coordinator, answers="2010 to 2020.")
    resubmitted = sent_for(application, "resubmitted")
    assert set(resubmitted) == {coordinator.email, member.email, people.dfe.email, people.hmrc.email, people.dwp.email}
    assert "arrived in the DfE queue" in resubmitted[people.dfe.email].body


@pytest.mark.django_db
def test_a_refusal_and_a_withdrawal_tell_only_the_team(people):
    refused, member = application_with_member()
    refused = advance(refused, State.REJECTED, people)
    assert set(sent_for(refused, "rejected")) == {coordinator_of(refused).email, member.email}

    withdrawn, other = application_with_member()
    withdrawn = advance(withdrawn, State.RAS_CHECK, people)
    withdraw_application(application_id=withdrawn.pk, by=coordinator_of(withdrawn))
    told = sent_for(withdrawn, "withdrawn")
    assert set(told) == {coordinator_of(withdrawn).email, other.email}
    assert "was withdrawn" in told[other.email].body


@pytest.mark.django_db
def test_an_invitation_goes_to_the_invited_address_only(people):
    application, _ = application_with_member()
    invite_member(application_id=application.pk, by=coordinator_of(application), email="someone@example.net")
    sent = sent_for(application, "member_invited")
    assert set(sent) == {"someone@example.net"}
    assert "/accounts/signup/" in sent["someone@example.net"].body


@pytest.mark.django_db
def test_a_team_that_prefers_its_address_gets_one_message_and_its_members_none(people):
    TeamSetting.objects.create(team="intake", delivery="address", address="ras-team@example.gov.uk")
    application, _ = application_with_member()
    application = advance(application, State.RAS_CHECK, people)
    sent = sent_for(application, "submitted")
    assert "ras-team@example.gov.uk" in sent
    assert people.ras.email not in sent


@pytest.mark.django_db
def test_arrivals_wait_for_the_digest_when_chosen_but_decisions_do_not(people):
    Preference.objects.create(user=people.ras, queue_arrivals="digest")
    application, member = application_with_member()
    application = advance(application, State.RAS_CHECK, people)
    sent = sent_for(application, "submitted")
    assert people.ras.email not in sent
    assert member.email in sent
    held = Message.objects.get(recipient=people.ras.email)
    assert held.state == Message.State.HELD

    before = len(mail.outbox)
    assert send_digests() == 1
    digest = Message.objects.get(template="digest")
    send(digest.pk)
    assert send_digests() == 0  # once a day
    (email,) = mail.outbox[before:]
    assert email.to == [people.ras.email]
    assert application.reference in email.body
    assert application.title in email.body
    assert re.search(rf"/reviews/applications/{application.pk}/", email.body)
    assert Message.objects.get(pk=held.pk).state == Message.State.IN_DIGEST
