"""A fresh demo checks the real filled-in v2.3 form exactly as the official form's own catalogue does, and the
catalogue it ships is reproducible from the official form."""

import contextlib
import dataclasses
import hashlib
import json

import pytest
from django.core.management import call_command

from applications.models import Catalogue, CatalogueVariable
from applications.vrf_catalogue import store_catalogue
from demo.catalogue import DEMO_CATALOGUE_FILE, demo_catalogue
from demo.forms import ensure_demo_catalogue
from tests.unit.vrf.helpers import REAL_FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_form():
    if not REAL_FORM.exists():
        pytest.skip(f"the real example form is not available at {REAL_FORM} (it is kept outside the repository)")
    return REAL_FORM


def validate_json(capsys, path) -> dict:
    capsys.readouterr()
    with contextlib.suppress(SystemExit):
        call_command("validate_vrf", str(path), "--json")
    return json.loads(capsys.readouterr().out)


def test_the_example_gets_the_same_findings_with_the_demo_catalogue_as_with_its_own(real_form, capsys):
    ensure_demo_catalogue()  # as seed_demo does on a fresh database
    assert Catalogue.objects.get().is_demo
    with_demo = validate_json(capsys, real_form)

    call_command("import_vrf_catalogue", str(real_form))
    official = Catalogue.objects.get()
    assert not official.is_demo
    assert official.source_sha256 == hashlib.sha256(real_form.read_bytes()).hexdigest()
    with_official = validate_json(capsys, real_form)

    assert with_demo["findings"] == with_official["findings"]
    assert with_demo == with_official
    codes = {finding["code"] for finding in with_demo["findings"]}
    assert not codes & {"unknown_table", "unknown_variable", "catalogue_unavailable", "table_sheet_missing"}
    assert sum(finding["code"] == "missing_justification" for finding in with_demo["findings"]) == 25


def test_the_data_file_is_what_import_vrf_catalogue_writes_from_the_official_form(real_form, tmp_path):
    output = tmp_path / "catalogue.json"

    call_command("import_vrf_catalogue", str(real_form), "--write-json", str(output))

    assert output.read_bytes() == DEMO_CATALOGUE_FILE.read_bytes()
    assert not Catalogue.objects.exists()  # written, not imported


def test_the_demo_catalogue_holds_every_variable_of_the_data_file():
    data = json.loads(DEMO_CATALOGUE_FILE.read_text(encoding="utf-8"))

    assert ensure_demo_catalogue()
    assert not ensure_demo_catalogue()

    catalogue = Catalogue.objects.get()
    assert catalogue.tables.count() == len(data["tables"]) == 33
    assert CatalogueVariable.objects.count() == sum(len(table["variables"]) for table in data["tables"])
    assert catalogue.covid_impact == data["covid_impact"]
    earnings = catalogue.tables.get(sheet_name="Earnings_and_IDBR_03-04_20_21")
    assert max(len(variable.years_populated) for variable in earnings.variables.all()) > 200


def test_a_demo_catalogue_from_an_earlier_data_file_is_replaced_and_an_official_one_kept():
    shipped, _ = demo_catalogue()
    earlier = dataclasses.replace(shipped, tables=shipped.tables[:2])
    store_catalogue(extracted=earlier, source_name="an earlier demo file", source_sha256="0" * 64, demo=True)

    assert ensure_demo_catalogue()
    assert Catalogue.objects.get().tables.count() == 33

    Catalogue.objects.all().delete()
    store_catalogue(extracted=earlier, source_name="official.xlsx", source_sha256="1" * 64, demo=False)
    assert not ensure_demo_catalogue()
    assert Catalogue.objects.get().source_name == "official.xlsx"
