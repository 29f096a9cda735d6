import hashlib
import json
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.errors import InvalidInput, StaleState
from applications.models import Application, Catalogue, CatalogueVariable, VariableRequestForm
from applications.services import upload_variable_request_form
from applications.states import State
from applications.validation import datasets_requested, validate_form
from applications.vrf import write_template
from demo.catalogue import demo_catalogue
from demo.forms import DEMO_REQUEST, ensure_demo_catalogue, filled_form
from tests.factories import ApplicationFactory, coordinator_of, researcher
from tests.lifecycle import People, advance

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalogue():
    ensure_demo_catalogue()
    return Catalogue.objects.get()


@pytest.fixture
def draft():
    application = ApplicationFactory(form=False)
    return application, coordinator_of(application)


def sheets(catalogue) -> list[str]:
    return list(catalogue.tables.order_by("position").values_list("sheet_name", flat=True))


def upload(application, user, data: bytes, name="form.xlsx"):
    return upload_variable_request_form(application_id=application.pk, by=user, uploaded=SimpleUploadedFile(name, data))


def test_import_vrf_catalogue_builds_the_catalogue_once(tmp_path, capsys):
    path = tmp_path / "official.xlsx"
    shipped, _ = demo_catalogue()
    path.write_bytes(write_template(shipped, reference="BLANK"))

    call_command("import_vrf_catalogue", str(path))
    call_command("import_vrf_catalogue", str(path))

    output = capsys.readouterr().out
    assert "Imported form version 2.3" in output
    assert "Already imported; nothing changed" in output
    assert Catalogue.objects.count() == 1
    expected = sum(len(table.variables) for table in shipped.tables)
    assert CatalogueVariable.objects.count() == expected
    ks4 = Catalogue.objects.get().tables.get(name="KS4 01-02 to 20-21")
    assert ks4.owner == "dfe"
    assert ks4.variables.get(alias="KS4_IDACI").identification_risk == 4


def test_import_refuses_a_file_that_is_not_the_form(tmp_path):
    path = tmp_path / "other.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(Exception, match="not"):
        call_command("import_vrf_catalogue", str(path))
    assert not Catalogue.objects.exists()


def run_validate(capsys, path, *extra):
    """The command's output and exit status, run as `manage.py validate_vrf` runs it."""
    status = 0
    try:
        call_command("validate_vrf", str(path), *extra)
    except SystemExit as exit_:
        status = exit_.code
    return capsys.readouterr().out, status


def test_validate_vrf_json_is_the_documented_object_and_exits_non_zero_on_errors(tmp_path, catalogue, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(filled_form("LEO-2026-0001"))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"\x00\x01 not a spreadsheet")

    passed, passed_status = run_validate(capsys, good, "--json")
    failed, failed_status = run_validate(capsys, bad, "--json")

    assert passed_status == 0
    result = json.loads(passed)
    assert set(result) >= {"valid", "form_version", "tables", "variables", "findings"}
    assert result["form_version"] == "2.3"
    assert {"dataset", "table", "requested", "justification"} <= set(result["tables"][0])
    assert {"sheet", "table", "alias", "years"} <= set(result["variables"][0])
    broken = json.loads(failed)
    assert failed_status == 1
    assert broken["valid"] is False
    assert len(broken["findings"]) == 1
    assert set(broken["findings"][0]) == {"severity", "code", "sheet", "cell", "message"}


def test_validate_vrf_text_lists_tables_variables_and_missing_justifications(tmp_path, catalogue, capsys):
    book = load_workbook(BytesIO(filled_form("LEO-2026-0001")))
    summary = book["Data Tables"]
    for row in summary.iter_rows():
        for cell in row:
            if cell.value and str(cell.value).startswith("We need this table") and cell.row % 2 == 0:
                cell.value = None
    path = tmp_path / "form.xlsx"
    book.save(path)

    output, status = run_validate(capsys, path)

    assert "Tables requested (7 of " in output
    assert "KS4 01-02 to 20-21" in output
    assert "Variables requested: 4" in output
    assert "missing_justification" in output
    assert status == 1


def test_every_upload_is_a_new_version_with_its_sha256(draft, catalogue):
    application, user = draft
    first = upload(application, user, filled_form(application.reference))
    second = upload(application, user, b"junk")

    assert (first.version, second.version) == (1, 2)
    assert second.sha256 == hashlib.sha256(b"junk").hexdigest()
    assert first.file.name != second.file.name
    assert first.file.open("rb").read()[:2] == b"PK"


def test_a_bad_upload_fails_without_touching_the_last_good_version(draft, catalogue):
    application, user = draft
    good = validate_form(upload(application, user, filled_form(application.reference)).pk)
    application.refresh_from_db()
    # The queues show and filter by what the latest checked form asks for.
    assert application.requested_dataset_names == datasets_requested(good.result)
    assert application.requested_dataset_names
    bad = validate_form(upload(application, user, b"PK\x03\x04 truncated").pk)

    assert good.validation_status == VariableRequestForm.Validation.PASSED
    assert bad.validation_status == VariableRequestForm.Validation.FAILED
    assert bad.result["valid"] is False
    good.refresh_from_db()
    assert good.validation_status == VariableRequestForm.Validation.PASSED
    assert good.result["valid"] is True


def test_validation_runs_once_however_often_the_task_is_delivered(draft, catalogue):
    application, user = draft
    form = upload(application, user, filled_form(application.reference))
    first = validate_form(form.pk)
    again = validate_form(form.pk)
    assert first.validated_at == again.validated_at


def test_empty_and_oversized_uploads_are_refused_before_storing(draft, settings):
    application, user = draft
    with pytest.raises(InvalidInput, match="empty"):
        upload(application, user, b"")
    settings.VRF_MAX_BYTES = 10
    with pytest.raises(InvalidInput, match="smaller than"):
        upload(application, user, b"x" * 11)
    assert not VariableRequestForm.objects.exists()


def test_a_submitted_application_takes_no_new_form(catalogue):
    application = advance(ApplicationFactory(), State.RAS_CHECK, People.create())
    with pytest.raises(StaleState):
        upload(application, coordinator_of(application), filled_form(application.reference))


def test_the_template_carries_the_reference_and_the_catalogue_version(client, draft, catalogue):
    application, user = draft
    client.force_login(user)

    response = client.get(reverse("applications:form_template", args=[application.pk]))

    assert response.status_code == 200
    assert application.reference in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    cover = " ".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value)
    assert application.reference in cover
    assert "2.3" in cover
    assert book.sheetnames == ["Front Cover", "Overview", "Data Tables", "COVID19 Impact", *sheets(catalogue)]
    assert len(book.sheetnames) == 37  # the whole official v2.3 form


def submitted(application):
    Application.objects.filter(pk=application.pk).update(state=State.RAS_CHECK, submitted_at=timezone.now())


def test_the_data_page_is_for_the_team_and_staff_only(client, draft, catalogue):
    application, _ = draft
    url = reverse("applications:data", args=[application.pk])
    client.force_login(researcher())
    assert client.get(url).status_code == 404
    submitted(application)  # staff see an application once it is submitted
    client.force_login(People.create().dfe)
    assert client.get(url).status_code == 200
    assert client.post(url, {"file": SimpleUploadedFile("f.xlsx", b"x")}).status_code == 403


def test_reviewers_see_what_changed_since_the_previous_version(client, draft, catalogue):
    application, user = draft
    validate_form(upload(application, user, filled_form(application.reference)).pk)
    smaller = DEMO_REQUEST | {"KS4 01-02 to 20-21": ("Yes", ["KS4_GENDER"])}
    validate_form(upload(application, user, filled_form(application.reference, smaller)).pk)
    submitted(application)
    client.force_login(People.create().dfe)

    page = client.get(reverse("applications:data", args=[application.pk])).content.decode()

    assert "Changes since version 1" in page
    assert "Variable removed: KS4 01-02 to 20-21: KS4_IDACI" in page
    assert "Variable added" not in page
