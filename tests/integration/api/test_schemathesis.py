"""Schemathesis, a client that knows only the published schema, calls every operation with generated requests as
an anonymous caller, a researcher, a member of staff and a panel member: no answer may be a server error, and every
answer must be one the schema describes (status, content type, headers and body)."""

from datetime import date

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.throttling import PerTokenThrottle
from applications import clock
from applications.models import ReferenceCounter
from applications.states import State
from leo_access.roles import Role
from reviews.models import AgendaItem
from reviews.services import add_to_agenda, create_meeting
from tests.factories import ApplicationFactory, coordinator_of, staff
from tests.lifecycle import People, advance

from .helpers import token_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def wsgi_app(db, monkeypatch):
    """The service as a WSGI application, inside the test's transaction: as Django's own test client does, the
    connection is not closed between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "100000/minute"})
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    """A researcher's draft, an application at intake and a RAS officer to review it, and a panel meeting with an
    application on its agenda and a panel member to decide it."""
    people = People.create()
    # New applications are numbered after the factory's references (LEO-2026-0001, ...), as real ones always are.
    ReferenceCounter.objects.update_or_create(year=clock.now().year, defaults={"last": 9000})
    draft = ApplicationFactory()
    at_intake = advance(ApplicationFactory(created_by=coordinator_of(draft)), State.RAS_CHECK, people)
    at_panel = advance(ApplicationFactory(created_by=coordinator_of(draft)), State.PANEL_REVIEW, people)
    meeting = create_meeting(by=people.panel, date=date.today(), members_present="A\nB\nC", independent_members="C")
    item = add_to_agenda(meeting_id=meeting.pk, application_id=at_panel.pk, by=people.panel)
    return {
        "anonymous": (None, draft),
        "researcher": (token_for(coordinator_of(draft), "write"), draft),
        "staff": (token_for(staff(Role.RAS_OFFICER), "write"), at_intake),
        "panel": (token_for(people.panel, "write"), item),
    }


bounded = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def call_as(caller, case, world):
    token, about = world[caller]
    application = about.application if isinstance(about, AgendaItem) else about
    # Half the addresses name a real application (the staff member's own queue, the panel's meeting and item), half
    # whatever was generated.
    if "pk" in case.path_parameters and hash(str(case.path_parameters["pk"])) % 2:
        case.path_parameters["pk"] = str(application.pk)
    if "meeting_id" in case.path_parameters and hash(str(case.path_parameters["meeting_id"])) % 2:
        case.path_parameters["meeting_id"] = world["panel"][1].meeting_id
        if "item_id" in case.path_parameters:
            case.path_parameters["item_id"] = world["panel"][1].pk
    if "team" in case.path_parameters and hash(str(case.path_parameters["team"])) % 2:
        case.path_parameters["team"] = "intake"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    case.call_and_validate(headers=headers, checks=CHECKS)


@pytest.mark.parametrize("caller", ["anonymous", "researcher", "staff", "panel"])
def test_every_operation_answers_as_its_schema_says(wsgi_app, world, caller):
    # Loaded from the live schema endpoint, as any client would (schemathesis' pytest plugin is not used: it does
    # not support this pytest's version, and the plain Hypothesis strategies are the same generators).
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    failures = {}
    for operation in operations:
        strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

        @bounded
        @given(case=strategy)
        def exercise(case):
            call_as(caller, case, world)

        try:
            exercise()
        except Exception as failure:
            failures[operation.label] = str(failure)[:2000]
    assert failures == {}
