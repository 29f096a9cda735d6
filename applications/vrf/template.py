"""Writing a blank Variable Request Form from a catalogue, in the official layout, for an application: the Front
Cover, the Overview, the Data Tables summary, the COVID19 Impact sheet (when the catalogue has one) and a sheet per
table.

Dropdowns follow the form's rules: NPD tables Yes / No / Default Variables only, linking tables Yes only, the rest
Yes / No; every by-request data item Yes / No. Sheets are protected so that only the answer cells can be edited.
"""

import datetime
import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from .catalogue import Catalogue, Table
from .form import BY_REQUEST, DEFAULT
from .tables import HESA, LILR, LINKING, NPD, OUTCOME, UCAS

NPD_ANSWERS = "Yes,No,Default Variables only"
LINKING_ANSWERS = "Yes"
OTHER_ANSWERS = "Yes,No"
ITEM_ANSWERS = "Yes,No"
DEFAULT_SECTION_HEADING = (
    "Default Data Items (applicants will receive these data items by default if they have requested this dataset)"
)
BY_REQUEST_HEADING = "'By request' Data items"
OVERVIEW = (
    "Why do you need to fill in this form?\n\n"
    "List the LEO data tables and data items your project needs and justify each table. Attach the completed form "
    "to your application.\n\n"
    "Rules:\n"
    "- Every request must include LEO outcome data (HMRC or DWP tables); this is not a route to education data "
    "alone.\n"
    "- Requests for all the variables of all the tables are refused as disproportionate.\n"
    "- The LEO linking tables are always included.\n"
    "- The Data Tables sheet must agree with your selections on the table sheets."
)

COVID_IMPACT = "COVID19 Impact"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)
_ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")
_INVALID_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def write_template(catalogue: Catalogue, *, reference: str, form_version: str | None = None) -> bytes:
    """A blank form for application `reference` (e.g. "LEO-2026-0042"); the version defaults to the catalogue's."""
    out = BytesIO()
    template_workbook(catalogue, reference=reference, form_version=form_version).save(out)
    return out.getvalue()


def template_workbook(catalogue: Catalogue, *, reference: str, form_version: str | None = None) -> Workbook:
    """The blank form as an openpyxl workbook, for filling in before it is saved (reading the whole form back
    from bytes to fill it takes longer than writing it)."""
    version = form_version or catalogue.form_version
    book = Workbook()
    _front_cover(book.active, catalogue, reference, version)
    _overview(book.create_sheet("Overview"), catalogue.overview or OVERVIEW)
    sheet_names = _sheet_names(catalogue.tables)
    _data_tables(book.create_sheet("Data Tables"), catalogue.tables)
    if catalogue.covid_impact:
        _covid_impact(book.create_sheet(COVID_IMPACT), catalogue.covid_impact)
    for table, name in zip(catalogue.tables, sheet_names, strict=True):
        sheet = book.create_sheet(name)
        if table.family in (LINKING, OUTCOME):
            _leo_sheet(sheet, table)
        elif table.family == UCAS:
            _plain_sheet(sheet, table, ["Field", "Description", "Years populated"], answers=False)
        elif table.family == LILR:
            _plain_sheet(
                sheet, table, ["Field", "Description", "Years available", "Data request data item required?"], True
            )
        else:
            _npd_sheet(sheet, table)
    return book


def _front_cover(sheet, catalogue: Catalogue, reference: str, version: str) -> None:
    sheet.title = "Front Cover"
    sheet["B8"] = "(Official)"
    sheet["B9"] = "Longitudinal Educational Outcomes"
    sheet["B10"] = "(LEO) via SRS I2"
    sheet["B16"] = "LEO I2SE Variable Request Form"
    sheet["B16"].font = _TITLE
    sheet["B22"] = f"Version {version}"
    if catalogue.form_date:
        sheet["B23"] = datetime.date.fromisoformat(catalogue.form_date)
        sheet["B23"].number_format = "d mmmm yyyy"
    sheet["B25"] = f"Application reference: {reference}"
    sheet.column_dimensions["B"].width = 60
    _protect(sheet)


def _overview(sheet, text: str) -> None:
    sheet["B4"] = text
    sheet["B4"].alignment = _WRAP
    sheet.column_dimensions["B"].width = 100
    sheet.row_dimensions[4].height = 220
    _protect(sheet)


def _covid_impact(sheet, rows: tuple[tuple[str, ...], ...]) -> None:
    for row, texts in enumerate(rows, start=1):
        for column, text in enumerate(texts, start=1):
            if text:
                sheet.cell(row=row, column=column, value=text).alignment = _WRAP
    sheet["A1"].font = _BOLD
    _widths(sheet, (40, 22, 16, 100))
    _protect(sheet)


def _data_tables(sheet, tables: tuple[Table, ...]) -> None:
    sheet["C2"] = "Requesting variables:"
    sheet["C2"].font = _BOLD
    sheet["C3"] = (
        "Select the data tables you are requesting and justify, in at least a short paragraph per table, how the "
        "table and its variables help answer your research questions."
    )
    sheet["C4"] = 'When to select the following under "Is this table required":'
    sheet["C5"], sheet["D5"] = "Yes", "If you require any of the by request data items within a data table."
    sheet["C6"], sheet["D6"] = "No", "If you do not require any of the variables within a data table."
    sheet["C7"], sheet["D7"] = "Default variables only (NPD only)", "If you require only the default data items."
    header = [
        "Dataset",
        "Table Name",
        "Description",
        "Is this table required?",
        "Which data items are required?",
        "Please provide justification for why tables and variables have been requested",
    ]
    _header_row(sheet, 9, 3, header)
    choices = {NPD_ANSWERS: [], LINKING_ANSWERS: [], OTHER_ANSWERS: []}
    for offset, table in enumerate(tables):
        row = 10 + offset
        dataset = "LEO" if table.family in (LINKING, OUTCOME) else table.dataset
        if table.family in (LINKING, OUTCOME, UCAS):
            items = "All variables will be included by default if this table is selected"
        else:
            items = "Please use the corresponding tab to request which variables and years are required"
        for column, value in zip("CDEG", (dataset, table.name, table.description, items), strict=True):
            sheet[f"{column}{row}"] = value
            sheet[f"{column}{row}"].alignment = _WRAP
        for column in "FH":
            cell = sheet[f"{column}{row}"]
            cell.protection = _UNLOCKED
            cell.fill = _ANSWER_FILL
            cell.alignment = _WRAP
        kind = NPD_ANSWERS if table.family == NPD else LINKING_ANSWERS if table.family == LINKING else OTHER_ANSWERS
        choices[kind].append(f"F{row}")
    for answers, cells in choices.items():
        _dropdown(sheet, answers, cells)
    for column, width in zip("CDEFGH", (12, 40, 50, 22, 40, 70), strict=True):
        sheet.column_dimensions[column].width = width
    _protect(sheet)


def _npd_sheet(sheet, table: Table) -> None:
    hesa = table.family == HESA
    names = (
        ("NPDAlias", "FieldReference", "Identifiability")
        if hesa
        else ("NPD Alias", "Field Reference", "Identification Risk")
    )
    columns = [names[0], names[1], "Years Populated", "Description", names[2], "Sensitivity"]
    answers = ["Data request data item required?", "Data request years required?"]
    sheet["A1"] = table.title or table.name
    sheet["A1"].font = _TITLE
    sheet["A3"] = BY_REQUEST_HEADING
    sheet["A3"].font = _BOLD
    _header_row(sheet, 5, 1, columns + answers)
    row = 6
    asked = []
    for variable in table.variables:
        if variable.section != BY_REQUEST:
            continue
        _variable_row(sheet, row, variable)
        for column in "GH":
            sheet[f"{column}{row}"].protection = _UNLOCKED
            sheet[f"{column}{row}"].fill = _ANSWER_FILL
        asked.append(f"G{row}")
        row += 1
    _dropdown(sheet, ITEM_ANSWERS, asked)
    defaults = [variable for variable in table.variables if variable.section == DEFAULT]
    if defaults:
        row += 2
        sheet[f"A{row}"] = table.title or table.name
        sheet[f"A{row + 2}"] = DEFAULT_SECTION_HEADING
        sheet[f"A{row + 2}"].font = _BOLD
        row += 4
        _header_row(sheet, row, 1, columns)
        for variable in defaults:
            row += 1
            _variable_row(sheet, row, variable)
    _widths(sheet, (40, 30, 22, 60, 12, 12, 20, 22))
    _protect(sheet)


def _variable_row(sheet, row: int, variable) -> None:
    values = (
        variable.alias,
        variable.field_reference,
        variable.years_populated,
        variable.description,
        variable.identification_risk,
        variable.sensitivity,
    )
    for column, value in enumerate(values, start=1):
        sheet.cell(row=row, column=column, value=value)


def _plain_sheet(sheet, table: Table, header: list[str], answers: bool) -> None:
    sheet["A1"] = table.title or table.name
    sheet["A1"].font = _TITLE
    _header_row(sheet, 4, 1, header)
    asked = []
    for row, variable in enumerate(table.variables, start=5):
        sheet.cell(row=row, column=1, value=variable.alias)
        sheet.cell(row=row, column=2, value=variable.description)
        sheet.cell(row=row, column=3, value=variable.years_populated)
        if answers:
            sheet.cell(row=row, column=4).protection = _UNLOCKED
            sheet.cell(row=row, column=4).fill = _ANSWER_FILL
            asked.append(f"D{row}")
    _dropdown(sheet, ITEM_ANSWERS, asked)
    _widths(sheet, (40, 70, 22, 20))
    _protect(sheet)


def _leo_sheet(sheet, table: Table) -> None:
    sheet["B2"] = table.title or table.name
    sheet["B2"].font = _TITLE
    sheet["B3"] = "Overview"
    sheet["B3"].font = _BOLD
    sheet["B4"] = table.description
    sheet["B6"] = "Table Fields"
    sheet["B6"].font = _BOLD
    _header_row(sheet, 7, 2, ["Table Name", "Field Name", "Years Populated", "Description"])
    for row, variable in enumerate(table.variables, start=8):
        schema_table, _, field = (variable.field_reference or "").rpartition(".")
        sheet.cell(row=row, column=2, value=schema_table or None)
        sheet.cell(row=row, column=3, value=field or variable.alias)
        sheet.cell(row=row, column=4, value=variable.years_populated)
        sheet.cell(row=row, column=5, value=variable.description)
    _widths(sheet, (4, 36, 30, 22, 70))
    _protect(sheet)


def _header_row(sheet, row: int, first_column: int, texts: list[str]) -> None:
    for offset, text in enumerate(texts):
        cell = sheet.cell(row=row, column=first_column + offset, value=text)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP


def _dropdown(sheet, answers: str, cells: list[str]) -> None:
    if not cells:
        return
    validation = DataValidation(type="list", formula1=f'"{answers}"', allow_blank=True, showDropDown=False)
    validation.error = f"Choose one of: {answers.replace(',', ', ')}"
    validation.showErrorMessage = True
    sheet.add_data_validation(validation)
    validation.sqref = _ranges(cells)


def _ranges(cells: list[str]) -> str:
    """Consecutive cells of one column as ranges ("F10:F26 F28"), keeping the sqref short."""
    parsed = [(re.match(r"([A-Z]+)(\d+)", cell).groups()) for cell in cells]
    ranges = []
    start = previous = None
    column = None
    for letters, number in parsed:
        number = int(number)
        if start is not None and letters == column and number == previous + 1:
            previous = number
            continue
        if start is not None:
            ranges.append(f"{column}{start}" if start == previous else f"{column}{start}:{column}{previous}")
        column, start, previous = letters, number, number
    if start is not None:
        ranges.append(f"{column}{start}" if start == previous else f"{column}{start}:{column}{previous}")
    return " ".join(ranges)


def _widths(sheet, widths) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(65 + index)].width = width


def _protect(sheet) -> None:
    # Protection without a password: it stops accidental edits to the form's structure, not a determined user.
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _sheet_names(tables: tuple[Table, ...]) -> list[str]:
    names = []
    used = {"front cover", "overview", "data tables", COVID_IMPACT.casefold()}
    for table in tables:
        name = table.sheet or _INVALID_SHEET_CHARACTERS.sub("_", table.name)[:31]
        base, counter = name, 2
        while name.casefold() in used:
            suffix = f" ({counter})"
            name, counter = base[: 31 - len(suffix)] + suffix, counter + 1
        used.add(name.casefold())
        names.append(name)
    return names
