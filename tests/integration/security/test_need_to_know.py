"""Need to know: a draft is its team's alone (no page, list, count or export shows it to staff), and a department's
internal notes are for that department, RAS and admins."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application
from applications.selectors import application_for, submitted_applications
from applications.services import withdraw_application
from applications.states import State
from leo_access.audit.models import AuditEvent, AuditKind
from leo_access.permissions import has_permission, submitted_q, was_submitted
from reviews.selectors import notes_for
from reviews.services import add_internal_note
from reviews.tracking import exports
from reviews.tracking import selectors as tracking
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


# The staff lists, counts and exports read submitted applications only ----------------------------------------


@pytest.fixture
def four_applications(people):
    """A draft, a draft withdrawn before it was submitted, and two submitted (one withdrawn since)."""
    draft = ApplicationFactory(title="Draft never submitted")
    dropped = ApplicationFactory(title="Draft dropped before submission")
    withdraw_application(application_id=dropped.pk, by=coordinator_of(dropped), reason="Not now.")
    submitted = advance(ApplicationFactory(title="Submitted and at intake"), State.RAS_CHECK, people)
    withdrawn = advance(ApplicationFactory(title="Submitted then withdrawn"), State.WITHDRAWN, people)
    return SimpleNamespace(hidden={draft.reference, dropped.reference}, seen={submitted.reference, withdrawn.reference})


def test_submitted_q_is_the_filter_form_of_was_submitted(four_applications):
    applications = list(Application.objects.all())
    assert {a.reference for a in applications if was_submitted(a)} == four_applications.seen
    assert set(Application.objects.filter(submitted_q()).values_list("reference", flat=True)) == (
        four_applications.seen
    )
    assert set(submitted_applications().values_list("reference", flat=True)) == four_applications.seen


@pytest.mark.parametrize("state", ["", "withdrawn", "draft"])
def test_the_tracking_list_never_shows_a_draft(client, people, four_applications, state):
    client.force_login(people.ras)
    page = client.get(reverse("tracking:applications"), {"state": state} if state else {}).content.decode()
    for reference in four_applications.hidden:
        assert reference not in page
    assert any(reference in page for reference in four_applications.seen)
    assert '<option value="draft"' not in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_application_export_never_holds_a_draft(client, people, four_applications, fmt, tmp_path):
    client.force_login(people.admin)
    response = client.post(reverse("tracking:export", args=["applications"]), {"format": fmt})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    if fmt == "csv":
        references = {row[0] for row in list(csv.reader(io.StringIO(data.decode())))[1:]}
    else:
        path = tmp_path / "applications.xlsx"
        path.write_bytes(data)
        references = {row[0] for row in load_workbook(path).active.iter_rows(min_row=2, values_only=True)}
    assert references == four_applications.seen
    table = exports.application_table(tracking.ApplicationFilters())
    assert table.count() == len(four_applications.seen)
    assert {values[0] for values in table.rows()} == four_applications.seen


def test_the_dashboard_counts_no_draft(four_applications):
    counts = {row.state: row.count for row in tracking.state_counts()}
    assert "draft" not in counts
    assert counts["withdrawn"] == 1
    assert counts["ras_check"] == 1
    months = tracking.throughput(tracking.Period.last_months())
    assert sum(row.counts["withdrawn"] for row in months) == 1
    assert sum(row.counts["submitted"] for row in months) == 2
