"""The blank form written from a catalogue reads back as the form with nothing requested."""

from io import BytesIO

from openpyxl import load_workbook

from applications.vrf import extract_catalogue, validate_workbook, write_template


def test_template_round_trip(catalogue):
    data = write_template(catalogue, reference="LEO-2026-0042", form_version="2.3")
    result = validate_workbook(data, catalogue_for_version=lambda version: catalogue)
    assert result.form_version == "2.3"
    assert result.application_reference == "LEO-2026-0042"
    assert [table.table for table in result.tables] == [table.name for table in catalogue.tables]
    assert {table.requested for table in result.tables} == {None}
    assert result.variables == []
    assert [item.code for item in result.findings] == ["nothing_requested"]
    assert extract_catalogue(data) == catalogue


def test_template_layout_dropdowns_and_protection(catalogue):
    book = load_workbook(BytesIO(write_template(catalogue, reference="LEO-2026-0042")))
    assert book.sheetnames[:4] == ["Front Cover", "Overview", "Data Tables", "COVID19 Impact"]
    assert book.sheetnames[4:] == [table.sheet for table in catalogue.tables]
    cover = book["Front Cover"]
    assert "Version 2.3" in [cell.value for row in cover.iter_rows() for cell in row]
    assert "Application reference: LEO-2026-0042" in [cell.value for row in cover.iter_rows() for cell in row]

    summary = book["Data Tables"]
    assert summary.protection.sheet
    lists = {validation.formula1: str(validation.sqref) for validation in summary.data_validations.dataValidation}
    rows = {table.name: 10 + index for index, table in enumerate(catalogue.tables)}
    npd_rows = [rows[table.name] for table in catalogue.tables if table.family == "npd"]
    assert lists['"Yes,No,Default Variables only"'] == f"F{npd_rows[0]}:F{npd_rows[-1]}"
    assert lists['"Yes"'] == f"F{rows['Resolved Learner AE_ID To Edukey Lookup']}"
    assert f"F{rows['Employment Spells table']}" in lists['"Yes,No"']
    answer = summary[f"F{rows['Employment Spells table']}"]
    justification = summary[f"H{rows['Employment Spells table']}"]
    assert not answer.protection.locked
    assert not justification.protection.locked
    assert summary[f"D{rows['Employment Spells table']}"].protection.locked
    assert summary["D9"].value == "Table Name"
    assert summary["D9"].protection.locked

    ks4 = book["KS4_01-02_to_20-21"]
    assert ks4.protection.sheet
    header = [cell.value for cell in ks4[5]]
    answer_column = header.index("Data request data item required?") + 1
    validations = {validation.formula1: str(validation.sqref) for validation in ks4.data_validations.dataValidation}
    variables = catalogue.table_for(sheet="KS4_01-02_to_20-21").variables
    by_request = [variable for variable in variables if variable.section == "by_request"]
    letter = ks4.cell(row=6, column=answer_column).column_letter
    assert validations == {'"Yes,No"': f"{letter}6:{letter}{5 + len(by_request)}"}
    assert not ks4.cell(row=6, column=answer_column).protection.locked
    assert not ks4.cell(row=6, column=answer_column + 1).protection.locked
    assert ks4.cell(row=6, column=1).protection.locked
    assert ks4.cell(row=5, column=answer_column).protection.locked


def test_filled_template_validates(catalogue):
    book = load_workbook(BytesIO(write_template(catalogue, reference="LEO-2026-0042")))
    rows = {table.name: 10 + index for index, table in enumerate(catalogue.tables)}
    summary = book["Data Tables"]
    for name in ("KS4 01-02 to 20-21", "Employment Spells table"):
        summary[f"F{rows[name]}"] = "Yes"
        summary[f"H{rows[name]}"] = (
            "We need this table to relate school attainment to later employment outcomes in detail."
        )
    book["KS4_01-02_to_20-21"]["G6"] = "Yes"
    book["KS4_01-02_to_20-21"]["H6"] = "2005 to 2015"
    out = BytesIO()
    book.save(out)
    result = validate_workbook(out.getvalue(), catalogue_for_version=lambda version: catalogue)
    assert result.valid, result.findings
    assert [variable.to_dict() for variable in result.variables] == [
        {"sheet": "KS4_01-02_to_20-21", "table": "KS4 01-02 to 20-21", "alias": "KS4_GENDER", "years": "2005 to 2015"}
    ]
