"""The scheduled task closes a project once the project's own end date has passed."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

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


def test_a_project_whose_accreditation_ended_first_is_closed_too(people):
    application = advance(application_with_member()[0], State.ACCESS_GRANTED, people)
    ended = application.end_date - timedelta(days=30)
    type(application).objects.filter(pk=application.pk).update(accreditation_ends_on=ended)

    with noon_on(ended + timedelta(days=1)):
        assert close_ended_projects() == 1
    closed = reload(application)
    assert closed.state == State.CLOSED
    assert "accreditation" in closed.events.get(kind="closed").comment
