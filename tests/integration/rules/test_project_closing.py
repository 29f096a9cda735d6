"""The scheduled task closes a project once the project's own end date has passed."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from applications.models import ClosureReturn, MemberAccess
from applications.states import State
from reviews.tasks import close_ended_projects
from tests.lifecycle import People, advance, application_with_member, reload

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def noon_on(day):
    return time_machine.travel(datetime.combine(day, time(12), tzinfo=LONDON), tick=False)


@pytest.fixture
def people():
    return People.create()


def test_a_project_closes_once_its_end_date_has_passed_though_its_accreditation_runs_on(people):
    application = advance(application_with_member()[0], State.ACCESS_GRANTED, people)
    assert application.accreditation_ends_on > application.end_date + timedelta(days=5)

    with noon_on(application.end_date):
        assert close_ended_projects() == 0
    assert reload(application).state == State.ACCESS_GRANTED

    with noon_on(application.end_date + timedelta(days=5)):
        assert close_ended_projects() == 1
    closed = reload(application)
    assert closed.state == State.CLOSED
    assert "end date" in closed.events.get(kind="closed").comment


def test_a_project_whose_accreditation_ends_first_stays_open_until_its_own_end_date(people):
    """The project end date is the one rule (ADR 0019): the accreditation end date closes nothing."""
    application = advance(application_with_member()[0], State.ACCESS_GRANTED, people)
    ended = application.end_date - timedelta(days=30)
    type(application).objects.filter(pk=application.pk).update(accreditation_ends_on=ended)

    with noon_on(ended + timedelta(days=1)):
        assert close_ended_projects() == 0
    assert reload(application).state == State.ACCESS_GRANTED
    assert MemberAccess.objects.filter(application=application, status=MemberAccess.Status.ACTIVE).count() == 2

    with noon_on(application.end_date + timedelta(days=1)):
        assert close_ended_projects() == 1
        assert close_ended_projects() == 0  # the next run finds nothing more to do
    closed = reload(application)
    assert closed.state == State.CLOSED
    assert not MemberAccess.objects.filter(application=application).exclude(status=MemberAccess.Status.ENDED).exists()
    closure_return = ClosureReturn.objects.get(application=application)
    assert closure_return.due_on == application.end_date + timedelta(days=1 + settings.CLOSURE_RETURN_DAYS)
    assert closure_return.submitted_at is None


def test_members_access_runs_to_the_project_end_date(people):
    application = advance(application_with_member()[0], State.ACCESS_GRANTED, people)
    valid_until = set(MemberAccess.objects.filter(application=application).values_list("valid_until", flat=True))
    assert valid_until == {application.end_date}
