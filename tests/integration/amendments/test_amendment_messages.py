"""Who hears about an amendment: only the departments whose data grows hear it has arrived; the team hears of
the decision; a new member is asked to sign."""

import pytest
from django.core import mail

from applications.amendments.decisions import record_amendment_department_decision
from notifications.tasks import notify_event
from tests.factories import researcher

from .conftest import amend

pytestmark = pytest.mark.django_db


def told(application, kind):
    before = len(mail.outbox)
    for event in application.events.filter(kind=kind):
        notify_event(event.pk)
    return {message.to[0]: message for message in mail.outbox[before:]}


def test_only_hmrc_hears_that_an_added_hmrc_table_has_arrived(live, people, builder):
    amend(live, form_builder=builder.request("cjrs"))

    messages = told(live, "amendment_arrived")

    assert people.hmrc.email in messages
    assert not set(messages) & {people.dfe.email, people.dwp.email, people.ras.email, people.panel.email}
    assert "Amendment 1" in messages[people.hmrc.email].body


def test_the_team_hears_of_the_approval_and_the_new_member_is_asked_to_sign(live, people, builder):
    newcomer = researcher()
    amendment = amend(live, add_email=newcomer.email, form_builder=builder.request("cjrs"))
    record_amendment_department_decision(
        amendment_id=amendment.pk, by=people.hmrc, department="hmrc", decision="approved"
    )

    messages = told(live, "amendment_approved")

    assert live.member.email in messages
    assert "version 2" in messages[live.member.email].body
    subjects = [message.subject for message in mail.outbox if message.to == [newcomer.email]]
    assert any("Sign your Individual Declaration" in subject for subject in subjects)
