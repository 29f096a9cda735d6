import pytest

from applications.states import State
from tests.factories import coordinator_of
from tests.lifecycle import People, advance, application_with_member


@pytest.fixture
def people(db):
    return People.create()


@pytest.fixture
def live(people):
    """A live project: its co-ordinator and one other member have access."""
    application, member = application_with_member()
    application = advance(application, State.ACCESS_GRANTED, people)
    return application, coordinator_of(application), member
