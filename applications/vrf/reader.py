"""Reading the form with python-calamine into FormContents.

Cells are read once, as cached values: formulas are text or results, never evaluated. Calamine returns each sheet
as a rectangle starting at its first used cell, so positions are offset by the sheet's start to give real cell
references.
"""

import re
from io import BytesIO

from python_calamine import CalamineWorkbook

from . import layout
from .form import (
    BY_REQUEST,
    DEFAULT,
    DEFAULT_ONLY,
    INCLUDED,
    NO,
    UNCLEAR,
    YES,
    FormContents,
    FrontCover,
    Item,
    Summary,
    SummaryRow,
    TableSheet,
)
from .text import cell_ref, cell_text, first_line, header_key, normalise, tidy

REQUESTS = "requests"
CATALOGUE = "catalogue"

_VERSION = re.compile(r"\bversion\s*:?\s*v?(\d+(?:\.\d+)*)\b")
_REFERENCE = re.compile(r"application reference\s*:?\s*(\S.*)$", re.IGNORECASE)
_OVERVIEW = "overview"
_COVID_IMPACT = frozenset({"covid19 impact", "covid-19 impact", "covid 19 impact"})
_SKIPPED = frozenset({_OVERVIEW, *_COVID_IMPACT})
_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "n", "false"})
# Header texts are short; longer cells are prose, not worth normalising while looking for a header. The summary's
# justification header is a whole sentence, so it gets more room.
_MAX_SUMMARY_HEADER_LENGTH = 200
_MAX_TABLE_HEADER_LENGTH = 60


def read_form(workbook: bytes, *, mode: str = REQUESTS) -> FormContents:
    """Read a workbook that has passed safety.check_workbook. In REQUESTS mode only answered rows are kept (the
    fast path for validation); in CATALOGUE mode every variable row is."""
    book = CalamineWorkbook.from_filelike(BytesIO(workbook))
    names = list(book.sheet_names)
    kinds = {meta.name: str(meta.typ) for meta in book.sheets_metadata}
    front_cover = None
    summary = None
    table_sheets = []
    first_sheet = None
    overview = None
    covid_impact = []
    for name in names:
        key = normalise(name)
        if key in _SKIPPED and mode == CATALOGUE:
            rows = _text_rows(_sheet_rows(book, name)[0])
            if key == _OVERVIEW and overview is None:
                overview = "\n\n".join(text.strip() for row in rows for text in row if text.strip()) or None
            elif key in _COVID_IMPACT and not covid_impact:
                covid_impact = rows
            continue
        if key in _SKIPPED or "chart" in kinds.get(name, "").casefold():
            continue
        rows, top, left = _sheet_rows(book, name)
        if first_sheet is None:
            first_sheet = (name, rows, top, left)
        if key == layout.FRONT_COVER:
            front_cover = _front_cover(name, rows, top, left)
        elif key == layout.SUMMARY:
            summary = _summary(name, rows, top, left)
        else:
            sheet = _table_sheet(name, rows, top, left, mode)
            if sheet.header_row is None and summary is None:
                # A summary sheet that has been renamed is still recognised by its header.
                found = _summary(name, rows, top, left)
                if found is not None:
                    summary = found
                    continue
            table_sheets.append(sheet)
    if front_cover is None:
        front_cover = _front_cover(*first_sheet) if first_sheet else FrontCover()
        if front_cover.version is None:
            front_cover = FrontCover()
    return FormContents(
        sheet_names=names,
        front_cover=front_cover,
        summary=summary,
        table_sheets=table_sheets,
        overview=overview,
        covid_impact=covid_impact,
    )


def _text_rows(rows: list[list]) -> list[list[str]]:
    """A prose sheet's cells as text, without trailing blank cells and rows (blank rows between are kept, as the
    sheet's spacing)."""
    texts = []
    for row in rows:
        text = [cell_text(value) for value in row]
        while text and not text[-1].strip():
            text.pop()
        texts.append(text)
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _sheet_rows(book: CalamineWorkbook, name: str) -> tuple[list[list], int, int]:
    sheet = book.get_sheet_by_name(name)
    rows = sheet.to_python()
    start = sheet.start
    if not rows or start is None:
        return [], 0, 0
    return rows, start[0], start[1]


def _front_cover(name: str, rows: list[list], top: int, left: int) -> FrontCover:
    cover = FrontCover(sheet=name)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value == "" or value is None:
                continue
            if cover.date is None and hasattr(value, "isoformat"):
                cover.date = value.isoformat()[:10]
                continue
            text = normalise(value)
            if cover.version is None:
                match = _VERSION.search(text)
                if match is None and text.rstrip(":") == "version":
                    following = [cell for cell in row[j + 1 :] if cell not in ("", None)]
                    match = _VERSION.search(f"version {normalise(following[0])}") if following else None
                if match:
                    cover.version = match.group(1)
                    cover.version_cell = cell_ref(i + top, j + left)
                    continue
            if cover.title is None and "request form" in text:
                cover.title = tidy(value)
            reference = _REFERENCE.search(tidy(value))
            if reference and cover.application_reference is None:
                cover.application_reference = reference.group(1).strip()
    return cover


def _summary(name: str, rows: list[list], top: int, left: int) -> Summary | None:
    header_index = None
    columns: dict[str, int] = {}
    for i, row in enumerate(rows):
        columns = _roles(row, layout.summary_role, _MAX_SUMMARY_HEADER_LENGTH)
        if layout.SUMMARY_TABLE in columns and layout.SUMMARY_ANSWER in columns:
            header_index = i
            break
    if header_index is None:
        return None
    table_column = columns[layout.SUMMARY_TABLE]
    answer_column = columns[layout.SUMMARY_ANSWER]
    dataset_column = columns.get(layout.SUMMARY_DATASET)
    description_column = columns.get(layout.SUMMARY_DESCRIPTION)
    justification_column = columns.get(layout.SUMMARY_JUSTIFICATION)
    summary_rows = []
    for i in range(header_index + 1, len(rows)):
        row = rows[i]
        table = cell_text(row[table_column]).strip()
        if not table:
            continue
        answer_text = tidy(row[answer_column])
        summary_rows.append(
            SummaryRow(
                row=i + top,
                dataset=_optional(row, dataset_column, tidy),
                table=table,
                description=_optional(row, description_column, tidy),
                answer_text=answer_text,
                requested=table_answer(answer_text),
                justification=_optional(row, justification_column, lambda value: cell_text(value).strip()),
                answer_column=answer_column + left,
                justification_column=None if justification_column is None else justification_column + left,
                table_column=table_column + left,
            )
        )
    return Summary(
        sheet=name,
        header_row=header_index + top,
        rows=summary_rows,
        has_justification_column=justification_column is not None,
    )


def table_answer(text: str) -> str | None:
    """The summary's "Is this table required?" as yes / no / default, or None when blank or not understood."""
    answer = normalise(text)
    if answer in _YES:
        return YES
    if answer in _NO:
        return NO
    if answer.startswith("default"):
        return DEFAULT_ONLY
    return None


def _table_sheet(name: str, rows: list[list], top: int, left: int, mode: str) -> TableSheet:
    title = None
    header_index = None
    columns: dict[str, int] = {}
    for i, row in enumerate(rows):
        columns = _roles(row, layout.table_role, _MAX_TABLE_HEADER_LENGTH)
        if layout.ALIAS in columns and layout.DESCRIPTION in columns:
            header_index = i
            break
        if title is None:
            title = next((tidy(value) for value in row if isinstance(value, str) and value.strip()), None)
    if header_index is None:
        return TableSheet(name=name, title=title, header_row=None, family=None)
    sheet = TableSheet(
        name=name,
        title=title,
        header_row=header_index + top,
        family=layout.header_family(columns),
        has_answer_column=layout.ANSWER in columns,
        has_years_column=layout.YEARS_REQUESTED in columns,
    )
    _read_items(sheet, rows, header_index, columns, top, left, mode)
    return sheet


def _read_items(sheet, rows, header_index, columns, top, left, mode) -> None:
    """The hot loop: one pass over the variable rows, touching only the cells it needs."""
    keep_all = mode == CATALOGUE
    first_had_answers = layout.ANSWER in columns
    section = BY_REQUEST if first_had_answers else INCLUDED
    default_marker_seen = False
    (alias_c, reference_c, description_c, populated_c, answer_c, years_c, table_c, source_c) = _hot_columns(columns)
    items = sheet.items
    for i in range(header_index + 1, len(rows)):
        row = rows[i]
        alias = row[alias_c]
        if alias == "" or alias is None:
            continue
        if alias.__class__ is not str:
            alias = cell_text(alias)
        reference = row[reference_c] if reference_c is not None else ""
        description = row[description_c] if description_c is not None else ""
        populated = row[populated_c] if populated_c is not None else ""
        if reference == "" and description == "" and populated == "":
            # Not a variable: a sub-table label, a note or a section heading.
            if header_key(alias).startswith("defaultdataitems"):
                default_marker_seen = True
            continue
        if description.__class__ is str and len(description) < 20 and _looks_like_alias_header(alias):
            new_columns = _roles(row, layout.table_role, _MAX_TABLE_HEADER_LENGTH)
            if layout.ALIAS in new_columns and layout.DESCRIPTION in new_columns:
                columns = new_columns
                (alias_c, reference_c, description_c, populated_c, answer_c, years_c, table_c, source_c) = _hot_columns(
                    columns
                )
                lost_answers = first_had_answers and answer_c is None
                if default_marker_seen or lost_answers:
                    section = DEFAULT
                default_marker_seen = False
                continue
        if section == BY_REQUEST:
            sheet.by_request_count += 1
        if table_c is not None:
            sheet.table_names.append(tidy(row[table_c]))
            if source_c is not None:
                sheet.sources.append(tidy(row[source_c]))
        answer = row[answer_c] if answer_c is not None else ""
        years = row[years_c] if years_c is not None else ""
        if not keep_all and answer == "" and years == "":
            continue
        answer_value = _item_answer(answer)
        if not keep_all and answer_value == NO and years == "":
            continue
        if reference_c is None and table_c is not None:
            # LEO sheets have no field reference; the schema-qualified name ("LEO.Benefits.EduKey") serves.
            reference = f"{tidy(row[table_c])}.{first_line(alias)}".lstrip(".")
        items.append(
            Item(
                row=i + top,
                alias=first_line(alias),
                section=section,
                answer=answer_value,
                answer_text=tidy(answer),
                years=tidy(years) or None,
                alias_column=alias_c + left,
                answer_column=None if answer_c is None else answer_c + left,
                years_column=None if years_c is None else years_c + left,
                field_reference=tidy(reference) or None,
                # Validation never shows these, so only the catalogue pays for tidying them.
                description=(tidy(description) or None) if keep_all else None,
                years_populated=(tidy(populated) or None) if keep_all else None,
                identification_risk=_risk(_optional(row, columns.get(layout.IDENTIFICATION_RISK), cell_text)),
                sensitivity=_sensitivity(_optional(row, columns.get(layout.SENSITIVITY), cell_text)),
            )
        )


def _hot_columns(columns: dict[str, int]) -> tuple:
    return (
        columns[layout.ALIAS],
        columns.get(layout.FIELD_REFERENCE),
        columns.get(layout.DESCRIPTION),
        columns.get(layout.YEARS_POPULATED),
        columns.get(layout.ANSWER),
        columns.get(layout.YEARS_REQUESTED),
        columns.get(layout.TABLE_NAME),
        columns.get(layout.SOURCE_DATASET),
    )


def _looks_like_alias_header(text: str) -> bool:
    # Called for every variable row, so the cheap tests come first.
    if len(text) > 20:
        return False
    lowered = text.lower()
    if "alias" not in lowered and "field" not in lowered:
        return False
    return header_key(text) in layout.ALIAS_HEADERS


def _roles(row: list, role_of, max_length: int) -> dict[str, int]:
    """Which column holds which role, judged from header text; the first column with a role keeps it."""
    roles: dict[str, int] = {}
    for j, value in enumerate(row):
        if value.__class__ is not str or not value or len(value) > max_length:
            continue
        role = role_of(header_key(value))
        if role is not None and role not in roles:
            roles[role] = j
    return roles


def _item_answer(value) -> str | None:
    if value == "" or value is None:
        return None
    if value is True:
        return YES
    if value is False:
        return NO
    text = normalise(value)
    if text in _YES:
        return YES
    if text in _NO:
        return NO
    return UNCLEAR


def _optional(row: list, column: int | None, convert):
    if column is None or column >= len(row):
        return None
    value = convert(row[column])
    return value or None


def _risk(text: str | None) -> int | None:
    """Identification risk as printed, 1 (most identifying) to 5; anything else is unknown."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() and 1 <= value <= 5 else None


def _sensitivity(text: str | None) -> str | None:
    """Sensitivity as printed, A (most sensitive) to E; anything else is unknown."""
    letter = (text or "").strip().upper()
    return letter if len(letter) == 1 and "A" <= letter <= "E" else None
