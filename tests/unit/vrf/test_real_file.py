"""The real, partly filled-in v2.3 form (not part of the repository; skipped when absent).

The expectations were found by reading the file independently with openpyxl: the Data Tables answers in column F
and justifications in column H, and the "Data request data item required?" cells saying Yes on each sheet.
"""

from collections import Counter

import pytest

from applications.vrf import extract_catalogue, validate_workbook, write_template
from tests.unit.vrf.helpers import codes

NOT_REQUESTED = {"PLAMS 07-08 to 20-21": "no"}
BLANK = {"UCAS_07-08_to_20-21", "IDBR_ENTERPRISE_04-05_to_20-21", "CJRS", "SEISS"}
LINKING = {
    "Resolved LEARNER_AE_ID_TO_RECID_LOOKUP",
    "Resolved Learner AE_ID To Edukey Lookup",
    "Resolved Learner AE_ID To PMR Lookup",
}
TICKED_PER_SHEET = {
    "SC_Pupil_01-02_to_20-21": 20,
    "PRU_Census_09-10_to_12-13": 15,
    "EYFSP_02-03_to_09-10": 1,
    "Alt_Provision_07-08_to_20-21": 8,
    "KS1_97-98_to_11-12": 1,
    "KS2_95-96_to_15-16 ": 1,
    "KS3_97-98_to_12-13": 1,
    "KS4_01-02_to_20-21": 1,
    "KS5_01-02_to_20-21": 1,
    "CIN_08-09_to_20-21": 16,
    "CLA_05-06_to_20-21": 10,
    "Absence_05-06_to_20-21": 1,
    "Exclusions_01-02_to_04-05": 1,
    "Exclusions_05-06_to_20-21": 2,
    "NCCIS_10-11_to_20-21": 1,
    "LILR_Learners_02-03_to_20-21": 8,
    "LILR_Aims _02-03_to_20-21": 69,
    "LILR_LARS _02-03_to_20-21": 19,
    "HESA 04-05 to 19-20": 12,
}


@pytest.fixture(scope="module")
def real_catalogue(real_form):
    return extract_catalogue(real_form)


@pytest.fixture(scope="module")
def result(real_form, real_catalogue):
    return validate_workbook(real_form, catalogue_for_version=lambda version: real_catalogue)


def test_version_and_tables(result):
    assert result.form_version == "2.3"
    assert len(result.tables) == 33
    answers = {table.table: table.requested for table in result.tables}
    assert {name for name, answer in answers.items() if answer is None} == BLANK
    assert {name: answer for name, answer in answers.items() if answer == "no"} == NOT_REQUESTED
    assert sum(answer == "yes" for answer in answers.values()) == 28
    assert "\u2018LILR_Learners_02-03_to_20-21" in answers
    assert "Geography table" in answers  # written with a trailing space
    assert all(table.justification is None for table in result.tables)


def test_requested_variables(result):
    assert len(result.variables) == 188
    assert Counter(variable.sheet for variable in result.variables) == TICKED_PER_SHEET
    first = result.variables[0]
    assert first.to_dict() == {
        "sheet": "SC_Pupil_01-02_to_20-21",
        "table": "SC_Pupil 01-02 to 20-21 SUM",
        "alias": "Gender_[term][yy]",
        "years": "2002 to 2021",
    }
    assert first.cell == "A8"
    ks2 = next(variable for variable in result.variables if variable.sheet.startswith("KS2"))
    assert (ks2.alias, ks2.years, ks2.table, ks2.cell) == (
        "KS2_LAESTAB_anon",
        "1996 to 2010",
        "KS2 - 95-96 to 15-16",
        "A58",
    )
    assert [variable.alias for variable in result.variables if variable.sheet.startswith("LILR_LARS")][:2] == [
        "Year",
        "AcademicYear",
    ]


def test_missing_justifications(result):
    missing = [item for item in result.findings if item.code == "missing_justification"]
    requested = [table for table in result.tables if table.requested == "yes" and table.table not in LINKING]
    assert len(missing) == len(requested) == 25
    assert {item.cell for item in missing} == {
        f"H{10 + index}" for index, table in enumerate(result.tables) if table in requested
    }
    assert all(item.sheet == "Data Tables" for item in missing)


def test_findings(result):
    counts = Counter(item.code for item in result.findings)
    assert counts["missing_justification"] == 25
    assert counts["table_answer_blank"] == 4
    assert counts["requested_but_nothing_ticked"] == 1
    assert counts["absence_2019_20_not_shared"] == 1
    assert counts["sensitive_variables"] == 1
    assert "high_identification_risk_variables" not in counts
    assert not codes(result) & {"unknown_variable", "unknown_table", "no_leo_outcome_table", "not_a_vrf"}
    nothing_ticked = next(item for item in result.findings if item.code == "requested_but_nothing_ticked")
    assert (nothing_ticked.sheet, nothing_ticked.cell) == ("Data Tables", "F26")  # YPMAD: Yes, nothing ticked
    assert not result.valid


def test_catalogue_of_the_real_form(real_catalogue):
    assert real_catalogue.form_version == "2.3"
    assert len(real_catalogue.tables) == 33
    assert [dataset.code for dataset in real_catalogue.datasets] == [
        "NPD",
        "LILR",
        "HESA",
        "UCAS",
        "LEO linking",
        "LEO outcomes",
    ]
    departments = {table.name: table.department for table in real_catalogue.tables}
    assert departments["Benefit Spells table"] == departments["Geography table"] == "dwp"
    assert {departments[name] for name in ("Employment Spells table", "CJRS", "SEISS", "Self -assessment table")} == {
        "hmrc"
    }
    assert departments["UCAS_07-08_to_20-21"] == "ons"
    assert {table.name for table in real_catalogue.tables if table.family == "linking"} == LINKING
    ks4 = real_catalogue.table_for(sheet="KS4_01-02_to_20-21")
    assert 1300 < len(ks4.variables) < 1400
    assert 4000 < sum(len(table.variables) for table in real_catalogue.tables) < 5500


def test_template_from_the_real_catalogue_round_trips(real_catalogue):
    data = write_template(real_catalogue, reference="LEO-2026-0042")
    result = validate_workbook(data, catalogue_for_version=lambda version: real_catalogue)
    assert [item.code for item in result.findings] == ["nothing_requested"]
    assert extract_catalogue(data) == real_catalogue
