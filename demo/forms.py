"""Variable Request Forms for the demo: the template filled in as a researcher would, then uploaded and
validated like any other form."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Application, Catalogue, VariableRequestForm
from applications.services import upload_variable_request_form
from applications.validation import validate_form
from applications.vrf.layout import (
    ALIAS,
    ANSWER,
    SUMMARY_ANSWER,
    SUMMARY_JUSTIFICATION,
    SUMMARY_TABLE,
    YEARS_REQUESTED,
    summary_role,
    table_role,
)
from applications.vrf.template import template_workbook
from applications.vrf.text import header_key
from applications.vrf_catalogue import catalogue_for_version, current_catalogue, store_catalogue

from .catalogue import DEMO_SOURCE_NAME, demo_catalogue

# What the demo applications ask for: table -> (answer, variables ticked on its sheet).
DEMO_REQUEST = {
    "SC_Pupil 01-02 to 20-21 SUM": ("Yes", ["Gender_[term][yy]", "Ethnicity_[term][yy]"]),
    "KS4 01-02 to 20-21": ("Yes", ["KS4_GENDER", "KS4_IDACI"]),
    "Resolved LEARNER_AE_ID_TO_RECID_LOOKUP": ("Yes", []),
    "Resolved Learner AE_ID To Edukey Lookup": ("Yes", []),
    "Resolved Learner AE_ID To PMR Lookup": ("Yes", []),
    "Employment Spells table": ("Yes", []),
    "Earnings_&_IDBR_SIC_03-04_20_21": ("Yes", []),
}
JUSTIFICATION = (
    "We need this table to follow pupils from their GCSE results to their earnings at age 25, which answers our "
    "first research question about the returns to qualifications."
)


def ensure_demo_catalogue() -> bool:
    """Import the demo catalogue unless an official form's catalogue, or this one, is there already; it replaces a
    demo catalogue from an earlier data file. Returns whether it was imported."""
    if Catalogue.objects.filter(is_demo=False).exists():
        return False
    catalogue, sha256 = demo_catalogue()
    return store_catalogue(extracted=catalogue, source_name=DEMO_SOURCE_NAME, source_sha256=sha256, demo=True).created


def filled_form(reference: str, request: dict | None = None, justification: str = JUSTIFICATION) -> bytes:
    """The current catalogue's template, answered with `request` (by default `DEMO_REQUEST`), each table requested
    justified with `justification`."""
    request = DEMO_REQUEST if request is None else request
    catalogue = current_catalogue()
    book = template_workbook(catalogue_for_version(catalogue.form_version), reference=reference)
    wanted = {header_key(name): answer for name, answer in request.items()}
    for sheet in book.worksheets:
        columns = _header(sheet, summary_role, {SUMMARY_TABLE, SUMMARY_ANSWER})
        if columns:
            _answer_summary(sheet, columns, wanted, justification)
    sheets = {header_key(table.name): table.sheet for table in catalogue_for_version(catalogue.form_version).tables}
    for name, (_, aliases) in request.items():
        sheet_name = sheets.get(header_key(name))
        if aliases and sheet_name in book.sheetnames:
            _tick(book[sheet_name], set(aliases))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet, role_of, needed) -> dict | None:
    for row in sheet.iter_rows(min_row=1, max_row=40):
        columns = {}
        for cell in row:
            role = role_of(header_key(cell.value)) if isinstance(cell.value, str) else None
            if role and role not in columns:
                columns[role] = cell.column
        if needed <= set(columns):
            columns["row"] = row[0].row
            return columns
    return None


def _answer_summary(sheet, columns, wanted, justification):
    for row in range(columns["row"] + 1, sheet.max_row + 1):
        name = sheet.cell(row, columns[SUMMARY_TABLE]).value
        if not isinstance(name, str) or not name.strip():
            continue
        choice = wanted.get(header_key(name))
        answer = sheet.cell(row, columns[SUMMARY_ANSWER])
        if choice is None:
            if answer.value is None:
                answer.value = "No"
            continue
        answer.value = choice[0]
        if SUMMARY_JUSTIFICATION in columns:
            sheet.cell(row, columns[SUMMARY_JUSTIFICATION]).value = justification


def _tick(sheet, aliases: set[str]):
    columns = _header(sheet, table_role, {ALIAS, ANSWER})
    if not columns:
        return
    for row in range(columns["row"] + 1, sheet.max_row + 1):
        if sheet.cell(row, columns[ALIAS]).value in aliases:
            sheet.cell(row, columns[ANSWER]).value = "Yes"
            if YEARS_REQUESTED in columns:
                sheet.cell(row, columns[YEARS_REQUESTED]).value = "2010 to 2021"


def attach_demo_form(application: Application, *, by, data: bytes | None = None) -> VariableRequestForm:
    """Upload a filled-in form for `application` (its own, or `data`) and check it at once."""
    ensure_demo_catalogue()
    upload = SimpleUploadedFile(
        f"{application.reference}-variable-request-form.xlsx",
        data or filled_form(application.reference),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    form = upload_variable_request_form(application_id=application.pk, by=by, uploaded=upload)
    return validate_form(form.pk)
