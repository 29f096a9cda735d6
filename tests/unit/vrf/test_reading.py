"""Reading real-world untidiness: names, headers and positions vary, answers are found by header text."""

from io import BytesIO

from openpyxl import load_workbook

from applications.vrf import validate_workbook
from applications.vrf.text import header_key, normalise, tidy


def tables_by_name(result):
    return {table.table: table for table in result.tables}


def test_tables_and_answers_as_written(builder):
    result = validate_workbook(builder.build())
    tables = tables_by_name(result)
    assert list(tables) == [table.name.strip() for table in builder.tables]
    assert tables["\u2018LILR_Learners_02-03_to_20-21"].requested == "yes"
    assert tables["KS2 - 95-96 to 15-16"].requested == "no"
    assert tables["Resolved Learner AE_ID To Edukey Lookup"].justification is None
    assert tables["KS4 01-02 to 20-21"].justification.startswith("We need this table")
    assert tables["KS4 01-02 to 20-21"].dataset == "NPD"


def test_requested_variables_with_sheet_table_alias_and_years(builder):
    builder.request("ks2").tick("ks2", "KS2_LAESTAB_anon", years="1996 to 2010")
    builder.request("hesa").tick("hesa", "HE_XQOBTN01", years="2005 to 2020")
    result = validate_workbook(builder.build())
    assert [variable.to_dict() for variable in result.variables] == [
        {
            "sheet": "KS2_95-96_to_15-16 ",
            "table": "KS2 - 95-96 to 15-16",
            "alias": "KS2_LAESTAB_anon",
            "years": "1996 to 2010",
        },
        {"sheet": "KS4_01-02_to_20-21", "table": "KS4 01-02 to 20-21", "alias": "KS4_GENDER", "years": "2002 to 2016"},
        {
            "sheet": "LILR_Learners_02-03_to_20-21",
            "table": "\u2018LILR_Learners_02-03_to_20-21",
            "alias": "external_id",
            "years": None,
        },
        {
            "sheet": "HESA 04-05 to 19-20",
            "table": "HESA 04-05 to 19-20",
            "alias": "HE_XQOBTN01",
            "years": "2005 to 2020",
        },
    ]
    assert [variable.cell for variable in result.variables] == [
        builder.cell("ks2", "KS2_LAESTAB_anon", "alias"),
        builder.cell("ks4", "KS4_GENDER", "alias"),
        builder.cell("lilr", "external_id", "alias"),
        builder.cell("hesa", "HE_XQOBTN01", "alias"),
    ]


def test_headers_are_not_on_a_fixed_line(builder):
    builder.tick("ks4", "KS4_URN_anon", years="2002 to 2010")
    before = validate_workbook(builder.build())
    before_cell = builder.cell("ks4", "KS4_URN_anon")
    builder.title_rows = 3
    after = validate_workbook(builder.build())
    assert [variable.to_dict() for variable in after.variables] == [variable.to_dict() for variable in before.variables]
    assert builder.cell("ks4", "KS4_URN_anon") != before_cell
    assert [variable.cell for variable in after.variables][:2] == [
        builder.cell("ks4", "KS4_GENDER", "alias"),
        builder.cell("ks4", "KS4_URN_anon", "alias"),
    ]


def test_columns_found_by_header_not_position(builder):
    """Moving the answer columns of a sheet to other letters changes nothing but the cells reported."""
    book = load_workbook(BytesIO(builder.build()))
    sheet = book["KS4_01-02_to_20-21"]
    sheet.insert_cols(3, amount=2)
    sheet["C5"], sheet["D5"] = "Inserted", "Yes"  # another column that says Yes on the header line
    out = BytesIO()
    book.save(out)
    result = validate_workbook(out.getvalue())
    ks4 = [variable for variable in result.variables if variable.sheet.startswith("KS4")]
    assert [(variable.alias, variable.years) for variable in ks4] == [("KS4_GENDER", "2002 to 2016")]
    assert result.valid


def test_renamed_summary_sheet_is_still_found(builder):
    builder.summary_sheet = "Summary of tables"
    result = validate_workbook(builder.build())
    assert len(result.tables) == len(builder.tables)
    assert result.valid


def test_application_reference_on_the_front_cover(builder):
    builder.reference = "LEO-2026-0042"
    assert validate_workbook(builder.build()).application_reference == "LEO-2026-0042"


def test_text_normalisation():
    assert normalise("  Is this table\nrequired?  ") == "is this table required?"
    assert normalise("\u2018LILR\u2019 \u201cx\u201d") == "'lilr' \"x\""
    assert header_key("Data request data item\nrequired? ") == "datarequestdataitemrequired"
    assert header_key("NPDAlias") == header_key("NPD Alias ") == "npdalias"
    assert tidy(4.0) == "4"
    assert tidy("a\u00a0\tb") == "a b"


def test_chart_sheets_and_bytearrays_are_fine(builder):
    book = load_workbook(BytesIO(builder.build()))
    book.create_chartsheet("Chart1")
    out = BytesIO()
    book.save(out)
    result = validate_workbook(bytearray(out.getvalue()))
    assert result.form_version == "2.3"
    assert len(result.variables) == 2
