"""The catalogue the demo ships (demo/data/vrf-catalogue-2.3.json) is the official v2.3 form's own metadata: the
whole form, and nothing of the research team's answers in the filled-in example it was extracted from."""

import dataclasses
import json
from io import BytesIO

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from applications.vrf import (
    Catalogue,
    CatalogueError,
    Dataset,
    Table,
    Variable,
    extract_catalogue,
    validate_workbook,
    write_template,
)
from applications.vrf.reader import read_form
from demo.catalogue import DEMO_CATALOGUE_FILE, demo_catalogue
from tests.unit.vrf.helpers import REAL_FORM

FRAME = ["Front Cover", "Overview", "Data Tables", "COVID19 Impact"]


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return demo_catalogue()[0]


@pytest.fixture(scope="module")
def real_form() -> bytes:
    if not REAL_FORM.exists():
        pytest.skip(f"the real example form is not available at {REAL_FORM}")
    return REAL_FORM.read_bytes()


def test_the_data_file_is_the_whole_v2_3_catalogue(shipped):
    assert shipped.form_version == "2.3"
    assert [dataset.code for dataset in shipped.datasets] == [
        "NPD",
        "LILR",
        "HESA",
        "UCAS",
        "LEO linking",
        "LEO outcomes",
    ]
    assert len(shipped.tables) == 33
    assert all(table.sheet for table in shipped.tables)
    assert 4000 < sum(len(table.variables) for table in shipped.tables) < 5500
    assert shipped.overview.startswith("Why do you need to fill in this form?")
    assert ("Dataset", "Collection impacted by COVID19", "Year(s) impacted", "Notes") in shipped.covid_impact


def test_the_data_file_holds_only_the_catalogues_fields():
    data = json.loads(DEMO_CATALOGUE_FILE.read_text(encoding="utf-8"))
    names = {field.name for field in dataclasses.fields(Catalogue)}
    assert set(data) == names
    assert {key for dataset in data["datasets"] for key in dataset} == {f.name for f in dataclasses.fields(Dataset)}
    assert {key for table in data["tables"] for key in table} == {f.name for f in dataclasses.fields(Table)}
    variable_keys = {key for table in data["tables"] for variable in table["variables"] for key in variable}
    assert variable_keys == {f.name for f in dataclasses.fields(Variable)}


def test_the_data_file_is_what_the_example_gives_with_every_answer_cleared(real_form, shipped):
    """Clearing every answer, justification and years-requested cell of the filled-in example changes nothing in
    the catalogue, so none of them is in the file."""
    form = read_form(real_form)  # the answered rows only
    cleared = {(form.summary.sheet, row.answer_cell) for row in form.summary.rows if row.answer_text}
    cleared |= {
        (form.summary.sheet, row.justification_cell)
        for row in form.summary.rows
        if row.justification and row.justification_column is not None
    }
    for sheet in form.table_sheets:
        for item in sheet.items:
            if item.answer_column is not None:
                cleared.add((sheet.name, item.answer_cell))
            if item.years_column is not None and item.years:
                cleared.add((sheet.name, item.years_cell))
    assert len(cleared) > 300  # the example's Data Tables answers and its 188 ticked variables with their years
    # Cached values in place of formulas: openpyxl drops the cached results of the formulas it keeps.
    book = load_workbook(BytesIO(real_form), data_only=True)
    for sheet, cell in cleared:
        book[sheet][cell].value = None
    out = BytesIO()
    book.save(out)
    blank = out.getvalue()

    answers = read_form(blank)
    assert not any(row.answer_text or row.justification for row in answers.summary.rows)
    assert answers.table_sheets
    assert not any(sheet.items for sheet in answers.table_sheets)
    assert extract_catalogue(blank) == shipped


def test_the_template_from_the_data_file_is_the_whole_form_and_reads_back(shipped, real_form):
    template = write_template(shipped, reference="LEO-2026-0042")
    names = CalamineWorkbook.from_filelike(BytesIO(template)).sheet_names
    assert len(names) == 37
    assert names == FRAME + [table.sheet for table in shipped.tables]
    assert names == CalamineWorkbook.from_filelike(BytesIO(real_form)).sheet_names

    assert extract_catalogue(template) == shipped


def test_the_template_from_the_data_file_validates_with_nothing_but_nothing_requested(shipped):
    template = write_template(shipped, reference="LEO-2026-0042")
    result = validate_workbook(template, catalogue_for_version=lambda version: shipped if version == "2.3" else None)
    assert result.form_version == "2.3"
    assert result.application_reference == "LEO-2026-0042"
    assert [table.table for table in result.tables] == [table.name for table in shipped.tables]
    assert [finding.code for finding in result.findings] == ["nothing_requested"]


NOT_CATALOGUES = [
    "",
    "not json",
    "[]",
    '{"form_version": "2.3"}',
    '{"form_version": "2.3", "datasets": [], "tables": [1]}',
]


@pytest.mark.parametrize("text", NOT_CATALOGUES)
def test_a_file_that_is_not_a_catalogue_is_refused_with_a_reason(text):
    with pytest.raises(CatalogueError, match="not a catalogue"):
        Catalogue.from_json(text)


def test_to_json_and_from_json_round_trip(shipped):
    assert Catalogue.from_json(shipped.to_json()) == shipped
