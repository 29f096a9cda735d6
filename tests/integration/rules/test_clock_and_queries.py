"""The stage's clock while a query is with the applicant, and what the other departments may do meanwhile."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.clock import frozen_at
from applications.errors import StaleState
from applications.models import Application
from applications.service_levels import days_at_stage, overdue_q
from applications.services import resubmit_application
from applications.states import State
from reviews.services import query_application, record_department_decision
from tests.factories import coordinator_of
from tests.lifecycle import People, advance, application_with_member, approve, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People.create()


def test_answering_a_query_resumes_the_stage_clock_without_the_time_with_the_applicant(people):
    start = timezone.now() - timedelta(days=38)
    with frozen_at(start):
        application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    with frozen_at(start + timedelta(days=8)):
        query_application(application_id=application.pk, by=people.hmrc, questions="Which years?")
    with frozen_at(start + timedelta(days=38)):
        resubmit_application(application_id=application.pk, by=coordinator_of(application), answers="2010 to 2020.")

    application = reload(application)
    assert application.state == State.DEPARTMENT_REVIEW
    assert days_at_stage(application.stage_entered_at, now=start + timedelta(days=38)) == 8


def test_the_clock_adds_up_the_time_at_the_stage_over_several_queries(people, settings):
    start = timezone.now() - timedelta(days=60)
    with frozen_at(start):
        application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    for asked, answered in [(8, 38), (40, 55)]:
        with frozen_at(start + timedelta(days=asked)):
            query_application(application_id=application.pk, by=people.dwp, questions="Why?")
        with frozen_at(start + timedelta(days=answered)):
            resubmit_application(application_id=application.pk, by=coordinator_of(application), answers="Because.")

    # 8 days, 2 more between the queries and 5 since the last answer: 15 at the stage, 45 with the applicant.
    now = start + timedelta(days=60)
    assert days_at_stage(reload(application).stage_entered_at, now=now) == 15
    settings.STAGE_SLA_DAYS = {**settings.STAGE_SLA_DAYS, State.DEPARTMENT_REVIEW: 14}
    assert Application.objects.filter(overdue_q(now), pk=application.pk).exists()
    settings.STAGE_SLA_DAYS = {**settings.STAGE_SLA_DAYS, State.DEPARTMENT_REVIEW: 16}
    assert not Application.objects.filter(overdue_q(now), pk=application.pk).exists()


def queue_of(team, people):
    from reviews import selectors

    return set(selectors.queue(team, people.ras, selectors.QueueFilters()).values_list("pk", flat=True))


def test_one_departments_query_leaves_the_other_two_reviewing(people):
    from reviews.models import Team

    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    query_application(application_id=application.pk, by=people.hmrc, questions="Why earnings data?")

    # DfE and DWP still have to decide: their queues hold the application, and they may decide while HMRC waits.
    assert application.pk in queue_of(Team.DFE, people) & queue_of(Team.DWP, people) & queue_of(Team.HMRC, people)
    approve(application, people, "dwp")
    approve(application, people, "dfe")
    assert application.pk not in queue_of(Team.DFE, people) | queue_of(Team.DWP, people)
    assert application.pk in queue_of(Team.HMRC, people)
    application = reload(application)
    assert application.state == State.QUERIED
    assert application.awaiting_departments == "|hmrc|"
    # The department that asked waits for the answer.
    with pytest.raises(StaleState, match="HMRC"):
        approve(application, people, "hmrc")

    resubmit_application(application_id=application.pk, by=coordinator_of(application), answers="For outcomes.")
    assert reload(application).state == State.DEPARTMENT_REVIEW
    approve(application, people, "hmrc")
    assert reload(application).state == State.PANEL_REVIEW


def test_a_department_not_party_to_a_query_may_reject_while_it_is_out(people):
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    query_application(application_id=application.pk, by=people.hmrc, questions="Why earnings data?")

    record_department_decision(
        application_id=application.pk, by=people.dwp, department="dwp", decision="rejected", reasons="Too broad."
    )

    application = reload(application)
    assert application.state == State.REJECTED
    assert application.rejected_at_stage == State.DEPARTMENT_REVIEW
    assert application.events.latest("id").kind == "rejected"


def test_a_department_that_has_decided_does_not_query(people):
    """Its decision stands; a query from it would leave the application waiting on a decision already made."""
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, people)
    approve(application, people, "dfe")
    with pytest.raises(StaleState, match="already recorded"):
        query_application(application_id=application.pk, by=people.dfe, questions="One more thing?")
    assert reload(application).state == State.DEPARTMENT_REVIEW
