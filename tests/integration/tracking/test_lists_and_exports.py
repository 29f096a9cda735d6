import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, DepartmentReview
from applications.states import State
from applications.validation import record_requested_datasets
from leo_access.models import ResearcherProfile
from leo_access.roles import Role
from reviews.tracking import exports, selectors
from reviews.tracking.selectors import ApplicationFilters, RegisterFilters
from tests.factories import ApplicationFactory, add_form, coordinator_of, researcher, staff

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", "\tTabbed", "\rReturn"]


def at_stage(state, days_ago, **fields):
    application = ApplicationFactory(form=False, **fields)
    Application.objects.filter(pk=application.pk).update(
        state=state, stage_entered_at=timezone.now() - timedelta(days=days_ago), submitted_at=timezone.now()
    )
    return Application.objects.get(pk=application.pk)


def accredited(*, ends_in_days, state=State.ACCESS_GRANTED, organisation="University of Example", datasets=(), **kw):
    coordinator = researcher(organisation=organisation)
    application = ApplicationFactory(form=False, created_by=coordinator, **kw)
    if datasets:
        form = add_form(application)
        form.result = {
            "tables": [
                {"dataset": name, "table": f"{name} table", "requested": requested} for name, requested in datasets
            ]
        }
        form.save()
        record_requested_datasets(application.pk, form.result)  # as checking the form does
    Application.objects.filter(pk=application.pk).update(
        state=state,
        submitted_at=timezone.now() - timedelta(days=90),
        accredited_at=timezone.now() - timedelta(days=30),
        accreditation_ends_on=timezone.localdate() + timedelta(days=ends_in_days),
        end_date=timezone.localdate() + timedelta(days=ends_in_days),
    )
    return Application.objects.get(pk=application.pk)


def references(queryset):
    return sorted(queryset.values_list("reference", flat=True))


# Service levels -------------------------------------------------------------------------------


def test_overdue_means_longer_at_the_stage_than_its_service_level(settings):
    """The boundary itself is pinned in tests/integration/rules/test_one_home.py, for every consumer at once."""
    settings.STAGE_SLA_DAYS = {"ras_check": 10, "department_review": 20, "panel_review": 20, "accredited": 15}
    late_intake = at_stage(State.RAS_CHECK, 11)
    at_stage(State.RAS_CHECK, 9.9)
    late_department = at_stage(State.DEPARTMENT_REVIEW, 30)
    at_stage(State.PANEL_REVIEW, 19)
    late_declarations = at_stage(State.ACCREDITED, 16)
    at_stage(State.QUERIED, 300)  # with the applicant: no service level

    total, rows = selectors.overdue()
    assert total == 3
    # Oldest first.
    assert [row.application for row in rows] == [late_department, late_declarations, late_intake]
    assert [(row.days_in_stage, row.limit, row.days_over) for row in rows] == [(30, 20, 10), (16, 15, 1), (11, 10, 1)]
    counts = {row.state: row.overdue for row in selectors.state_counts()}
    assert counts["ras_check"] == 1
    assert counts["department_review"] == 1
    assert counts["panel_review"] == 0
    assert counts["queried"] is None
    listed = selectors.applications(ApplicationFilters(overdue=True))
    assert references(listed) == sorted([late_intake.reference, late_department.reference, late_declarations.reference])


def test_register_flags_projects_ending_soon_and_past_their_end(settings):
    soon = accredited(ends_in_days=30)
    edge = accredited(ends_in_days=90)
    later = accredited(ends_in_days=91)
    past = accredited(ends_in_days=-1)
    closed_past = accredited(ends_in_days=-10, state=State.CLOSED)
    flags = dict(selectors.register(RegisterFilters()).values_list("reference", "flag"))
    assert flags[soon.reference] == "ending_soon"
    assert flags[edge.reference] == "ending_soon"
    assert flags[later.reference] == ""
    assert flags[past.reference] == "past_end"
    assert flags[closed_past.reference] == ""
    assert selectors.register_flag_counts() == {"ending_soon": 2, "past_end": 1}
    assert references(selectors.register(RegisterFilters(flag="past_end"))) == [past.reference]


# Filters ---------------------------------------------------------------------------------------


def test_application_filters():
    intake = at_stage(State.RAS_CHECK, 1, title="Returns to apprenticeships")
    department = at_stage(State.DEPARTMENT_REVIEW, 1, title="Care leavers")
    other = at_stage(State.DEPARTMENT_REVIEW, 1, title="Graduates")
    now = timezone.now()
    for application, dfe in ((department, "pending"), (other, "approved")):
        for code in ("dfe", "hmrc", "dwp"):
            DepartmentReview.objects.create(
                application=application,
                department=code,
                decision=dfe if code == "dfe" else "pending",
                opened_at=now,
            )
    assert references(selectors.applications(ApplicationFilters(state="ras_check"))) == [intake.reference]
    pending = ApplicationFilters(state="department_review", department="dfe", decision="pending")
    assert references(selectors.applications(pending)) == [department.reference]
    approved = ApplicationFilters(department="dfe", decision="approved")
    assert references(selectors.applications(approved)) == [other.reference]
    assert references(selectors.applications(ApplicationFilters(q="apprentice"))) == [intake.reference]
    coordinator = coordinator_of(other)
    coordinator.full_name = "Ada Lovelace"
    coordinator.save()
    assert references(selectors.applications(ApplicationFilters(q="lovelace"))) == [other.reference]
    Application.objects.filter(pk=intake.pk).update(submitted_at=now - timedelta(days=40))
    since = ApplicationFilters(submitted_from=timezone.localdate() - timedelta(days=10))
    assert intake.reference not in references(selectors.applications(since))
    until = ApplicationFilters(submitted_to=timezone.localdate() - timedelta(days=10))
    assert references(selectors.applications(until)) == [intake.reference]


def test_register_filters_and_datasets():
    npd = accredited(
        ends_in_days=400,
        organisation="Institute for Fiscal Research",
        datasets=[("NPD", "yes"), ("Employment", "default"), ("HESA", "no")],
        title="Pupils and pay",
    )
    hesa = accredited(ends_in_days=400, datasets=[("HESA", "yes")], state=State.ACCREDITED, title="Graduates")
    ApplicationFactory(form=False)  # a draft is never on the register
    everything = selectors.register(RegisterFilters())
    assert references(everything) == sorted([npd.reference, hesa.reference])
    datasets = dict(everything.values_list("reference", "datasets"))
    # Only tables asked for (yes or default variables) count, from the latest form.
    assert datasets[npd.reference] == "Employment; NPD"
    assert references(selectors.register(RegisterFilters(dataset="NPD"))) == [npd.reference]
    assert references(selectors.register(RegisterFilters(dataset="HESA"))) == [hesa.reference]
    newer = add_form(hesa)
    newer.result = {"tables": [{"dataset": "UCAS", "table": "UCAS", "requested": "yes"}]}
    newer.save()
    record_requested_datasets(hesa.pk, newer.result)
    assert references(selectors.register(RegisterFilters(dataset="HESA"))) == []
    org = RegisterFilters(organisation="Institute for Fiscal Research")
    assert references(selectors.register(org)) == [npd.reference]
    assert references(selectors.register(RegisterFilters(state="accredited"))) == [hesa.reference]
    assert references(selectors.register(RegisterFilters(q="pupils"))) == [npd.reference]
    today = timezone.localdate()
    Application.objects.filter(pk=hesa.pk).update(end_date=today + timedelta(days=800))
    ends = RegisterFilters(ends_from=today + timedelta(days=700))
    assert references(selectors.register(ends)) == [hesa.reference]
    assert references(selectors.register(RegisterFilters(ends_to=today + timedelta(days=700)))) == [npd.reference]
    Application.objects.filter(pk=npd.pk).update(accredited_at=timezone.now() - timedelta(days=400))
    recent = RegisterFilters(accredited_from=today - timedelta(days=100))
    assert references(selectors.register(recent)) == [hesa.reference]
    older = RegisterFilters(accredited_to=today - timedelta(days=100))
    assert references(selectors.register(older)) == [npd.reference]


def test_the_list_page_filters_from_the_query_string(client):
    intake = at_stage(State.RAS_CHECK, 1)
    panel = at_stage(State.PANEL_REVIEW, 1)
    client.force_login(staff(Role.RAS_OFFICER))
    page = client.get(reverse("tracking:applications"), {"state": "panel_review"})
    assert page.status_code == 200
    assert panel.reference in page.content.decode()
    assert intake.reference not in page.content.decode()
    bad = client.get(reverse("tracking:applications"), {"submitted_from": "not a date"})
    assert "There is a problem" in bad.content.decode()


# Exports and formula injection ---------------------------------------------------------------------


def hostile_projects():
    projects = []
    for number, text in enumerate(HOSTILE):
        project = accredited(ends_in_days=50 + number, title=text, datasets=[("NPD", "yes")])
        ResearcherProfile.objects.filter(user=project.created_by).update(organisation=text)
        projects.append(project)
    return projects


def export(client, kind, fmt, **filters):
    response = client.post(reverse("tracking:export", args=[kind]), {"format": fmt, **filters})
    assert response.status_code == 200, response
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_csv_export_neutralises_formulas(client):
    hostile_projects()
    client.force_login(staff(Role.ADMIN))
    rows = list(csv.reader(io.StringIO(export(client, "register", "csv").decode())))
    assert rows[0][:3] == ["Reference", "Title", "Organisation"]
    titles = sorted(row[1] for row in rows[1:])
    assert titles == sorted("'" + text for text in HOSTILE)
    assert all(row[2].startswith("'") for row in rows[1:])
    assert {row[8] for row in rows[1:]} == {"Ends within 90 days"}
    assert date.fromisoformat(rows[1][6])


def test_xlsx_export_is_typed_and_never_holds_a_formula(client, tmp_path):
    projects = hostile_projects()
    client.force_login(staff(Role.ADMIN))
    path = tmp_path / "register.xlsx"
    path.write_bytes(export(client, "register", "xlsx"))
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:I{len(projects) + 1}"
    assert [cell.value for cell in sheet[1]][:2] == ["Reference", "Title"]
    titles = []
    for row in sheet.iter_rows(min_row=2):
        title, organisation, accredited_on, ends = row[1], row[2], row[5], row[6]
        assert title.data_type == "s"
        assert organisation.data_type == "s"
        titles.append(title.value)
        assert accredited_on.is_date
        assert ends.is_date
    assert sorted(titles) == sorted(HOSTILE)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_application_list_export_respects_filters_and_types_numbers(client, tmp_path):
    late = at_stage(State.RAS_CHECK, 12, title="=1+1")
    at_stage(State.PANEL_REVIEW, 3)
    client.force_login(staff(Role.RAS_OFFICER))
    path = tmp_path / "applications.xlsx"
    path.write_bytes(export(client, "applications", "xlsx", state="ras_check"))
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    reference, title, state, *_, days, overdue = rows[0]
    assert (reference, title, state, days, overdue) == (late.reference, "=1+1", "Intake check", 12, "Yes")
    assert isinstance(days, int)
    text = export(client, "applications", "csv", state="ras_check").decode()
    assert "'=1+1" in text


def test_the_database_writes_the_same_csv_as_python(client):
    """On PostgreSQL the CSV comes from COPY; it must be, byte for byte, what the Python writer makes."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    projects = hostile_projects()
    odd = accredited(ends_in_days=-3, title='Quotes "and", commas\nand a new line', datasets=[("HESA", "default")])
    ResearcherProfile.objects.filter(user=odd.created_by).update(organisation="")
    coordinator = coordinator_of(projects[0])
    coordinator.full_name = "Zoë O'Brien, Jr."
    coordinator.save()
    at_stage(State.RAS_CHECK, 12, title="=1+1")
    at_stage(State.QUERIED, 3, title="-5")
    for table in (
        exports.application_table(ApplicationFilters()),
        exports.application_table(ApplicationFilters(state="ras_check", overdue=True)),
        exports.register_table(RegisterFilters()),
    ):
        copied = "".join(exports.csv_chunks(table))
        written = "".join(exports.csv_chunks(table, rows=table.rows()))
        assert copied == written
        assert copied.count("\r\n") >= 2
    rows = list(csv.reader(io.StringIO("".join(exports.csv_chunks(exports.register_table(RegisterFilters()))))))
    assert 'Quotes "and", commas\nand a new line' in [row[1] for row in rows]


def test_a_background_csv_counts_the_rows_it_wrote(tmp_path):
    for number in range(3):
        at_stage(State.RAS_CHECK, number, title=f"+Line\nbreak {number}")
    progress = []
    written = exports.write_csv(exports.application_table(ApplicationFilters()), tmp_path / "a.csv", progress.append)
    assert written == 3
    assert progress[-1] == 3
    with open(tmp_path / "a.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 4
    assert sorted(row[1] for row in rows[1:]) == [f"'+Line\nbreak {n}" for n in range(3)]
