"""Extracting the catalogue of datasets, tables and variables from a form."""

import json

import pytest

from applications.vrf import Catalogue, CatalogueError, extract_catalogue
from tests.vrf_factory import VrfBuilder, workbook_bytes


def test_catalogue_from_a_generated_form(catalogue):
    assert catalogue.form_version == "2.3"
    assert catalogue.form_date == "2024-05-20"
    assert [(dataset.code, dataset.departments) for dataset in catalogue.datasets] == [
        ("NPD", ("dfe",)),
        ("LILR", ("dfe",)),
        ("HESA", ("dfe",)),
        ("UCAS", ("ons",)),
        ("LEO linking", ("dfe",)),
        ("LEO outcomes", ("hmrc", "dwp")),
    ]
    assert [(table.name, table.sheet, table.family, table.department) for table in catalogue.tables] == [
        ("KS2 - 95-96 to 15-16", "KS2_95-96_to_15-16 ", "npd", "dfe"),
        ("KS4 01-02 to 20-21", "KS4_01-02_to_20-21", "npd", "dfe"),
        ("CIN 08-09 to 20-21", "CIN_08-09_to_20-21", "npd", "dfe"),
        ("Absence 05-06 to 20-21", "Absence_05-06_to_20-21", "npd", "dfe"),
        ("\u2018LILR_Learners_02-03_to_20-21", "LILR_Learners_02-03_to_20-21", "lilr", "dfe"),
        ("HESA 04-05 to 19-20", "HESA 04-05 to 19-20", "hesa", "dfe"),
        ("UCAS_07-08_to_20-21", "UCAS_07-08_to_20-21", "ucas", "ons"),
        ("Resolved Learner AE_ID To Edukey Lookup", "LEARNER_AE_ID_TO_EDUKEY_LOOKUP ", "linking", "dfe"),
        ("Employment Spells table", "Employment_97-98_to_20-21", "outcome", "hmrc"),
        ("Benefit Spells table", "Benefit_99-00_to_20-21", "outcome", "dwp"),
        ("CJRS", "CJRS_19-20_to_20-21", "outcome", "hmrc"),
    ]


def test_variables_with_sections_risk_and_sensitivity(catalogue):
    ks4 = catalogue.table_for(sheet="KS4_01-02_to_20-21")
    assert [(variable.alias, variable.section) for variable in ks4.variables] == [
        ("KS4_GENDER", "by_request"),
        ("KS4_LAESTAB_anon", "by_request"),
        ("KS4_URN_anon", "by_request"),
        ("KS4_REFUGEE", "by_request"),
        ("KS4_FSM_CLA", "by_request"),
        ("KS4_PupilMatchingRefAnonymous", "default"),
        ("KS4_ACADYR", "default"),
        ("KS4_PTSCNEWE", "default"),
    ]
    refugee = ks4.variables[3]
    assert (refugee.field_reference, refugee.identification_risk, refugee.sensitivity) == ("REFUGEE", 1, "C")
    assert refugee.years_populated == "2001/02 - 2020/21"
    assert refugee.description == "A data item."
    ks2 = catalogue.table_for(sheet="KS2_95-96_to_15-16 ")
    assert ks2.variables[2].identification_risk == 2  # under the "Identifiability" header of an untidy sheet
    lilr = catalogue.table_for(name="\u2018LILR_Learners_02-03_to_20-21")
    assert [variable.alias for variable in lilr.variables] == ["external_id", "ukprn_anon", "PriorPstCode"]
    employment = catalogue.table_for(sheet="Employment_97-98_to_20-21")
    edukey = employment.variables[0]
    assert (edukey.alias, edukey.field_reference, edukey.section) == (
        "EduKey",
        "LEO.Employment.EduKey",
        "included",
    )


def test_answers_in_the_source_form_are_ignored():
    builder = VrfBuilder()
    builder.request("cin").tick("cin", "CIN_LA_anon")
    assert extract_catalogue(builder.build()) == extract_catalogue(VrfBuilder().build())


def test_catalogue_survives_json(catalogue):
    assert Catalogue.from_dict(json.loads(json.dumps(catalogue.to_dict()))) == catalogue


def test_catalogue_lookup(catalogue):
    assert catalogue.table_for(sheet="KS2_95-96_to_15-16").name == "KS2 - 95-96 to 15-16"
    assert catalogue.table_for(name="benefit spells TABLE").sheet == "Benefit_99-00_to_20-21"
    assert catalogue.table_for(sheet="Nope", name="Nope") is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"junk", "not an Excel workbook"),
        (workbook_bytes({"Sheet1": [["a"]]}), "Data Tables"),
    ],
)
def test_catalogue_errors(data, words):
    with pytest.raises(CatalogueError, match=words):
        extract_catalogue(data)


def test_catalogue_needs_a_version():
    builder = VrfBuilder()
    builder.version_text = None
    with pytest.raises(CatalogueError, match="version"):
        extract_catalogue(builder.build())
