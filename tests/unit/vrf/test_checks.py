"""One test per check: each builds a form with exactly one problem and expects its code, sheet and cell."""

import pytest

from applications.vrf import validate_workbook
from tests.unit.vrf.helpers import codes, only
from tests.vrf_factory import TableSpec, Var

SUMMARY = "Data Tables"


def check(builder, catalogue=None):
    lookup = (lambda version: catalogue if version == "2.3" else None) if catalogue is not None else None
    return validate_workbook(builder.build(), catalogue_for_version=lookup)


def test_the_standard_form_is_valid(builder, catalogue):
    result = check(builder, catalogue)
    assert result.valid
    assert result.findings == []


# Structure -------------------------------------------------------------------------------------------------


def test_unsupported_form_version(builder):
    builder.version_text = "Version 2.2"
    finding = only(check(builder), "unsupported_form_version")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", "Front Cover", "B22")
    assert "2.2" in finding.message


def test_missing_form_version(builder):
    builder.version_text = None
    finding = only(check(builder), "form_version_missing")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", "Front Cover", None)


def test_table_sheet_without_a_header(builder):
    builder.without_header.add("lilr")
    finding = only(check(builder), "table_sheet_unreadable")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", "LILR_Learners_02-03_to_20-21", None)


def test_table_sheet_missing(builder):
    builder.without_sheet.add("hesa")
    builder.build()
    finding = only(check(builder), "table_sheet_missing")
    assert (finding.severity, finding.sheet, finding.cell) == (
        "warning",
        SUMMARY,
        builder.summary_cell("hesa", "table"),
    )


def test_table_sheet_not_in_summary(builder):
    extra = TableSpec(
        key="plams",
        dataset="NPD",
        name="PLAMS 07-08 to 20-21",
        sheet="PLAMS_07-08_to_20-21",
        family="npd",
        description="Post-16 learning aims",
        title="Post-16 Learning Aims",
        by_request=[Var("pl_Gender", answer="Yes", years="2010 to 2021")],
    )
    builder.add_sheet_not_in_summary(extra)
    builder.build()
    finding = only(check(builder), "table_not_in_summary")
    assert (finding.severity, finding.sheet) == ("warning", "PLAMS_07-08_to_20-21")
    assert finding.cell == builder.cell("plams", "pl_Gender")


def test_not_the_form_when_the_summary_is_missing(builder):
    builder.include_summary = False
    result = check(builder)
    assert [item.code for item in result.findings] == ["not_a_vrf"]
    assert result.form_version == "2.3"
    assert not result.valid


# Answers on the summary -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "answer", "expected"),
    [
        ("ks4", "Maybe", "Yes, No or Default Variables only"),
        ("employment", "Default Variables only", "Yes or No"),
        ("link", "No", "always included"),
    ],
)
def test_invalid_table_answer(builder, key, answer, expected):
    builder.answer(key, answer)
    if key == "employment":
        builder.request("benefit")
    builder.build()
    finding = only(check(builder), "invalid_table_answer")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", SUMMARY, builder.summary_cell(key))
    assert expected in finding.message


def test_blank_table_answer(builder):
    builder.answer("ucas", None)
    builder.build()
    finding = only(check(builder), "table_answer_blank")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", SUMMARY, builder.summary_cell("ucas"))


def test_blank_linking_answer_is_fine(builder, catalogue):
    builder.answer("link", None)
    assert check(builder, catalogue).findings == []


def test_missing_justification(builder):
    builder.justify("employment", None)
    builder.build()
    finding = only(check(builder), "missing_justification")
    cell = builder.summary_cell("employment", "justification")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", SUMMARY, cell)
    assert "Employment Spells table" in finding.message


def test_linking_tables_need_no_justification(builder):
    builder.justify("link", None)
    assert check(builder).valid


def test_no_justification_column(builder):
    builder.include_justification_column = False
    finding = only(check(builder), "missing_justification")
    assert (finding.sheet, finding.cell) == (SUMMARY, None)


def test_short_justification(builder):
    builder.justify("ks4", "For earnings.")
    builder.build()
    finding = only(check(builder), "short_justification")
    cell = builder.summary_cell("ks4", "justification")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", SUMMARY, cell)


# The summary and the sheets agree --------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["No", None])
def test_ticked_on_a_sheet_whose_table_is_not_requested(builder, answer):
    builder.tick("cin", "CIN_LA_anon")
    builder.tick("cin", "CIN_CINAt31March")
    builder.answer("cin", answer)
    builder.build()
    finding = only(check(builder), "ticked_but_table_not_requested")
    assert (finding.severity, finding.sheet) == ("error", "CIN_08-09_to_20-21")
    assert finding.cell == builder.cell("cin", "CIN_CINAt31March")
    assert builder.summary_cell("cin") in finding.message
    assert "2 data item(s)" in finding.message


def test_ticked_but_default_variables_only(builder):
    builder.answer("ks4", "Default Variables only")
    builder.build()
    finding = only(check(builder), "ticked_but_default_only")
    assert (finding.severity, finding.sheet) == ("error", "KS4_01-02_to_20-21")
    assert finding.cell == builder.cell("ks4", "KS4_GENDER")


def test_default_variables_only_without_ticks_is_fine(builder):
    builder.untick_all("ks4").answer("ks4", "Default Variables only")
    assert check(builder).valid


def test_requested_but_nothing_ticked(builder):
    builder.request("hesa")
    builder.build()
    finding = only(check(builder), "requested_but_nothing_ticked")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", SUMMARY, builder.summary_cell("hesa"))
    assert "Default Variables only" not in finding.message


def test_requested_npd_table_with_nothing_ticked_suggests_default_only(builder):
    builder.untick_all("ks4")
    builder.build()
    finding = only(check(builder), "requested_but_nothing_ticked")
    assert finding.cell == builder.summary_cell("ks4")
    assert "Default Variables only" in finding.message


def test_unclear_item_answer(builder):
    builder.tick("ks4", "KS4_URN_anon", answer="x", years="2002 to 2010")
    builder.build()
    result = check(builder)
    finding = only(result, "unclear_item_answer")
    assert (finding.severity, finding.sheet) == ("warning", "KS4_01-02_to_20-21")
    assert finding.cell == builder.cell("ks4", "KS4_URN_anon")
    assert "KS4_URN_anon" not in [variable.alias for variable in result.variables]


def test_ticked_item_without_years(builder):
    builder.tick("ks4", "KS4_URN_anon", years=None)
    builder.build()
    finding = only(check(builder), "item_years_missing")
    cell = builder.cell("ks4", "KS4_URN_anon", "years")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", "KS4_01-02_to_20-21", cell)


def test_years_without_the_item_ticked(builder):
    builder.tick("ks4", "KS4_URN_anon", answer="No", years="2010 to 2012")
    builder.build()
    finding = only(check(builder), "years_without_item")
    cell = builder.cell("ks4", "KS4_URN_anon")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", "KS4_01-02_to_20-21", cell)


def test_yes_in_other_columns_is_not_a_tick(builder):
    # Every KS2 row says "Yes" under "Available from UKDS?"; none is requested.
    result = check(builder)
    assert not [variable for variable in result.variables if variable.sheet.startswith("KS2")]


# The request as a whole ------------------------------------------------------------------------------------


def test_nothing_requested(builder):
    for table in builder.tables:
        table.answer = None if table.family == "linking" else "No"
        for variable in table.by_request:
            variable.answer = variable.years = None
    finding = only(check(builder), "nothing_requested")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", SUMMARY, None)
    assert codes(check(builder)) == {"nothing_requested", "catalogue_unavailable"}


def test_no_leo_outcome_table(builder):
    builder.answer("employment", "No").answer("benefit", "No")
    finding = only(check(builder), "no_leo_outcome_table")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", SUMMARY, None)


def test_linking_tables_are_not_outcome_tables(builder):
    builder.answer("employment", "No").answer("benefit", "No").answer("link", "Yes")
    assert "no_leo_outcome_table" in codes(check(builder))


def request_everything(builder):
    for table in builder.tables:
        builder.request(table.key)
        for variable in table.by_request:
            variable.answer = "Yes"
            variable.years = "2002 to 2021"


def test_disproportionate_request(builder):
    request_everything(builder)
    result = check(builder)
    finding = only(result, "disproportionate_request")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", SUMMARY, None)
    assert "all_tables_requested" not in codes(result)


def test_every_table_but_not_every_item(builder):
    request_everything(builder)
    builder.variable("ks4", "KS4_URN_anon").answer = "No"
    builder.variable("ks4", "KS4_URN_anon").years = None
    result = check(builder)
    finding = only(result, "all_tables_requested")
    assert (finding.severity, finding.sheet) == ("warning", SUMMARY)
    assert "disproportionate_request" not in codes(result)


# The catalogue ---------------------------------------------------------------------------------------------


def test_no_catalogue_lookup_given(builder):
    finding = only(check(builder), "catalogue_unavailable")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", None, None)
    assert "manage.py import_vrf_catalogue" in finding.message


def test_no_catalogue_of_the_forms_version(builder, catalogue):
    asked = []
    result = validate_workbook(builder.build(), catalogue_for_version=lambda version: asked.append(version))
    assert asked == ["2.3"]
    finding = only(result, "catalogue_unavailable")
    assert "2.3" in finding.message
    assert "manage.py import_vrf_catalogue" in finding.message


def test_unknown_variable(builder, catalogue):
    builder.add_variable("ks4", Var("KS4_INVENTED_ITEM", answer="Yes", years="2002 to 2010"))
    builder.build()
    finding = only(check(builder, catalogue), "unknown_variable")
    cell = builder.cell("ks4", "KS4_INVENTED_ITEM", "alias")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", "KS4_01-02_to_20-21", cell)
    assert "KS4_INVENTED_ITEM" in finding.message


def test_known_variables_spelt_untidily_are_known(builder, catalogue):
    builder.tick("lilr", "ukprn_anon", years=None)  # written with a leading tab in the form
    builder.request("cin").tick("cin", "CIN_LA_anon")
    result = check(builder, catalogue)
    assert "unknown_variable" not in codes(result)


def test_unknown_table(builder, catalogue):
    builder.tables.append(
        TableSpec(
            key="plams",
            dataset="NPD",
            name="PLAMS 07-08 to 20-21",
            sheet="PLAMS_07-08_to_20-21",
            family="npd",
            description="Post-16 learning aims",
            title="Post-16 Learning Aims",
            answer="Yes",
            justification="We need post-16 learning aims to follow learners into further education and work.",
            by_request=[Var("pl_Gender", answer="Yes", years="2010 to 2021")],
        )
    )
    builder.build()
    finding = only(check(builder, catalogue), "unknown_table")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", SUMMARY, builder.summary_cell("plams", "table"))


# Data conditions -------------------------------------------------------------------------------------------


def test_cin_with_pupil_postcode(builder):
    builder.request("cin").tick("cin", "CIN_LA_anon")
    builder.tick("lilr", "PriorPstCode", years=None)
    builder.build()
    finding = only(check(builder), "cin_cla_with_postcode")
    cell = builder.cell("lilr", "PriorPstCode", "alias")
    assert (finding.severity, finding.sheet, finding.cell) == ("error", "LILR_Learners_02-03_to_20-21", cell)


def test_postcode_without_cin_or_cla_is_allowed(builder):
    builder.tick("lilr", "PriorPstCode", years=None)
    assert "cin_cla_with_postcode" not in codes(check(builder))


def test_establishment_ids_with_covid_year_attainment(builder):
    builder.tick("ks4", "KS4_LAESTAB_anon", years="2015 to 2021")
    builder.build()
    finding = only(check(builder), "establishment_ids_with_covid_attainment")
    cell = builder.cell("ks4", "KS4_LAESTAB_anon", "alias")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", "KS4_01-02_to_20-21", cell)
    assert "KS4_LAESTAB_anon" in finding.message


def test_establishment_ids_for_earlier_years_are_fine(builder):
    builder.tick("ks4", "KS4_LAESTAB_anon", years="2002 to 2016")
    assert "establishment_ids_with_covid_attainment" not in codes(check(builder))


def test_establishment_ids_without_recent_attainment_are_fine(builder):
    builder.answer("ks4", "No").untick_all("ks4").request("absence").tick("absence", "LAEstab_ab[yy]_anon")
    assert "establishment_ids_with_covid_attainment" not in codes(check(builder))


def test_absence_2019_20_not_shared(builder):
    builder.request("absence").tick("absence", "Gender_ab[yy]", years="2006 to 2021")
    builder.build()
    finding = only(check(builder), "absence_2019_20_not_shared")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", SUMMARY, builder.summary_cell("absence"))


def test_cjrs_needs_hmrc_consultation(builder):
    builder.request("cjrs")
    builder.build()
    finding = only(check(builder), "hmrc_consultation_required")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", SUMMARY, builder.summary_cell("cjrs"))
    assert "HMRC" in finding.message


# Flags -----------------------------------------------------------------------------------------------------


def test_high_identification_risk_variables(builder):
    builder.tick("ks4", "KS4_REFUGEE", years="2002 to 2005")
    finding = only(check(builder), "high_identification_risk_variables")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", None, None)
    assert finding.message.startswith("1 ")
    assert "KS4_REFUGEE" in finding.message


def test_sensitive_variables(builder):
    builder.request("cin").tick("cin", "CIN_LA_anon").tick("cin", "CIN_CINAt31March")
    builder.tick("ks4", "KS4_FSM_CLA", years="2015 to 2016")
    result = check(builder)
    finding = only(result, "sensitive_variables")
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", None, None)
    assert finding.message.startswith("3 ")
    flagged = result.summary()["flagged"]["sensitive"]
    assert [(item["alias"], item["sensitivity"]) for item in flagged] == [
        ("KS4_FSM_CLA", "B"),
        ("CIN_CINAt31March", "B"),
        ("CIN_LA_anon", "B"),
    ]
