import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from applications.models import ApplicationEvent
from applications.selectors import timeline
from applications.states import State
from tests.lifecycle import People, advance, application_with_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    application = advance(application_with_member()[0], State.DEPARTMENT_REVIEW, People.create())
    return application.events.latest("id")


def test_the_timeline_records_every_step_in_order():
    application = advance(application_with_member()[0], State.PANEL_REVIEW, People.create())

    steps = [(e.kind, e.from_state, e.to_state) for e in timeline(application)]

    assert steps == [
        ("submitted", "draft", "ras_check"),
        ("intake_passed", "ras_check", "department_review"),
        ("department_approved", "department_review", "department_review"),
        ("department_approved", "department_review", "department_review"),
        ("department_approved", "department_review", "department_review"),
        ("accreditation_routed", "department_review", "department_review"),
        ("department_review_completed", "department_review", "panel_review"),
    ]


def test_events_cannot_be_changed_or_deleted_through_the_orm(event):
    event.comment = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        ApplicationEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(PermissionError):
        ApplicationEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE applications_applicationevent SET comment = 'rewritten' WHERE id = %s",
        "DELETE FROM applications_applicationevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_on_the_event_log(event, statement):
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])
    assert ApplicationEvent.objects.get(pk=event.pk).comment == event.comment
