"""Need to know: a draft is its team's alone, and a department's internal notes are for that department, RAS
and admins."""

import pytest
from django.urls import reverse

from applications.selectors import application_for
from applications.services import withdraw_application
from applications.states import State
from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.permissions import has_permission
from reviews.selectors import notes_for
from reviews.services import add_internal_note
from tests.factories import ApplicationFactory, coordinator_of
from tests.lifecycle import People, advance, application_with_member

pytestmark = pytest.mark.django_db

STAFF = ["ras", "dfe", "hmrc", "dwp", "panel", "admin"]
DRAFT_PAGES = ["applications:detail", "applications:submitted", "applications:data", "reviews:review"]


@pytest.fixture
def people():
    return People.create()


@pytest.mark.parametrize("role", STAFF)
def test_no_member_of_staff_opens_a_draft(client, people, role):
    application, _member = application_with_member()
    staff = getattr(people, role)
    assert not has_permission(staff, "application.view", application)
    assert application_for(staff, application.pk) is None
    client.force_login(staff)
    for name in DRAFT_PAGES:
        assert client.get(reverse(name, args=[application.pk])).status_code == 404, name
    assert not AuditEvent.objects.filter(kind=AuditKind.APPLICATION_OPENED).exists()


def test_the_drafts_team_opens_it_and_other_researchers_get_404(client, people):
    application, member = application_with_member()
    for user in (coordinator_of(application), member):
        client.force_login(user)
        assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 200
    client.force_login(people.outsider)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404


def test_a_draft_withdrawn_before_it_was_submitted_stays_hidden_from_staff(client, people):
    application = ApplicationFactory()
    withdraw_application(application_id=application.pk, by=coordinator_of(application), reason="Not now.")
    client.force_login(people.ras)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404


def test_staff_open_a_submitted_application_and_it_is_audited_even_outside_their_stage(client, people):
    application = advance(ApplicationFactory(), State.PANEL_REVIEW, people)
    client.force_login(people.dfe)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 200
    opened = AuditEvent.objects.get(kind=AuditKind.APPLICATION_OPENED, actor=people.dfe)
    assert opened.application_reference == application.reference
    assert opened.data["outside_stage"] is True
    client.force_login(people.panel)
    client.get(reverse("reviews:review", args=[application.pk]))
    assert AuditEvent.objects.get(kind=AuditKind.APPLICATION_OPENED, actor=people.panel).data["outside_stage"] is False


def test_a_departments_notes_are_for_that_department_ras_and_admins(client, people):
    application = advance(ApplicationFactory(), State.DEPARTMENT_REVIEW, people)
    add_internal_note(application_id=application.pk, by=people.dfe, text="DfE only: pupil postcodes.")
    add_internal_note(application_id=application.pk, by=people.hmrc, text="HMRC only: SEISS results.")
    add_internal_note(application_id=application.pk, by=people.ras, text="From intake: dates checked.")
    sees = {
        "dfe": {"DfE only", "From intake"},
        "hmrc": {"HMRC only", "From intake"},
        "dwp": {"From intake"},
        "panel": {"From intake"},
        "ras": {"DfE only", "HMRC only", "From intake"},
        "admin": {"DfE only", "HMRC only", "From intake"},
    }
    for role, expected in sees.items():
        user = getattr(people, role)
        assert {note.text.split(":")[0] for note in notes_for(user, application)} == expected, role
        client.force_login(user)
        page = client.get(reverse("reviews:review", args=[application.pk])).content.decode()
        for text in ("DfE only", "HMRC only", "From intake"):
            assert (text in page) == (text in expected), (role, text)
