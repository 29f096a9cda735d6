"""Reading a published register (xlsx or csv) into rows. Pure: no database.

Headings are matched ignoring case, spaces and punctuation, so "Accreditation Number", "accreditation_number" and
"ACCREDITATION NUMBER" are one heading; each field accepts the names below. A file without a field's heading is
refused with an error naming it.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from python_calamine import CalamineWorkbook

FULL, PROVISIONAL = "full", "provisional"

# Field -> the headings it accepts (each normalised by `heading_key`).
HEADINGS = {
    "number": (
        "Accreditation number",
        "Accreditation reference",
        "Accreditation no",
        "Researcher accreditation number",
    ),
    "name": ("Name", "Full name", "Researcher name", "Researcher"),
    "first_name": ("First name", "Forename", "Forenames", "Given name"),
    "surname": ("Surname", "Last name", "Family name"),
    "type": ("Accreditation type", "Type of accreditation", "Type"),
    "expiry": ("Expiry date", "Valid until", "Accreditation expiry date", "Expires", "End date"),
    "organisation": ("Organisation", "Organization", "Institution", "Employer"),
}
# How many rows above the headings a file may have (a title, a date of publication).
HEADING_SEARCH_ROWS = 20
MAX_ROWS = 200_000


class RegisterFileError(ValueError):
    """The file cannot be read as a register; the message says why and what to do."""


@dataclass(frozen=True)
class RegisterRow:
    number: str
    name: str
    accreditation_type: str  # FULL or PROVISIONAL
    expiry: date
    organisation: str


def heading_key(text) -> str:
    return re.sub(r"[\W_]+", "", str(text or "")).casefold()


ACCEPTED = {field: {heading_key(name) for name in names} for field, names in HEADINGS.items()}


def normalise_number(text) -> str:
    """Accreditation numbers have no public format: compared ignoring case and spaces only (as
    `selectors.with_register` does in SQL)."""
    return str(text or "").strip().replace(" ", "").upper()


def _cells(content: bytes, filename: str) -> list[list]:
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError:
                raise RegisterFileError("The CSV file is not text in UTF-8 or Windows-1252.") from None
        return list(csv.reader(io.StringIO(text)))
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as error:  # calamine raises its own errors for every kind of unreadable file
            raise RegisterFileError(f"The spreadsheet could not be read ({error}).") from None
    raise RegisterFileError("The register must be an .xlsx or .csv file.")


def _find_columns(rows: list[list]) -> tuple[int, dict[str, int]]:
    """The heading row's index and each field's column."""
    best: tuple[int, dict[str, int]] = (0, {})
    for index, row in enumerate(rows[:HEADING_SEARCH_ROWS]):
        columns = {}
        for column, cell in enumerate(row):
            key = heading_key(cell)
            for field, accepted in ACCEPTED.items():
                if key in accepted and field not in columns:
                    columns[field] = column
        if len(columns) > len(best[1]):
            best = (index, columns)
        if "number" in columns:
            return index, columns
    return best


def _missing(columns: dict[str, int]) -> list[str]:
    missing = [HEADINGS[field][0] for field in ("number", "type", "expiry", "organisation") if field not in columns]
    if "name" not in columns and not ("first_name" in columns and "surname" in columns):
        missing.insert(1, "Name (or First name and Surname)")
    return missing


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_type(value) -> str | None:
    text = str(value or "").strip().casefold()
    if text.startswith("full"):
        return FULL
    if text.startswith("provisional"):
        return PROVISIONAL
    return None


def _text(row: list, column: int | None) -> str:
    if column is None or column >= len(row) or row[column] is None:
        return ""
    return " ".join(str(row[column]).split())


def read_register(content: bytes, filename: str) -> list[RegisterRow]:
    """Every researcher in the file. Any row that cannot be read stops the import with its row number."""
    rows = _cells(content, filename)
    if not any(any(str(cell).strip() for cell in row if cell is not None) for row in rows):
        raise RegisterFileError("The file is empty.")
    heading_row, columns = _find_columns(rows)
    missing = _missing(columns)
    if missing:
        raise RegisterFileError(f"The register has no column headed: {', '.join(missing)}.")
    found: list[RegisterRow] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows[heading_row + 1 :], start=heading_row + 2):
        number = normalise_number(_text(row, columns["number"]))
        if not number and not any(_text(row, column) for column in columns.values()):
            continue  # a blank line
        if not number:
            raise RegisterFileError(f"Row {index} has no accreditation number.")
        if number in seen:
            raise RegisterFileError(f"Row {index} repeats accreditation number {number} (first on row {seen[number]}).")
        seen[number] = index
        name = _text(row, columns.get("name"))
        if not name:
            parts = (_text(row, columns.get("first_name")), _text(row, columns.get("surname")))
            name = " ".join(part for part in parts if part)
        kind = parse_type(row[columns["type"]] if columns["type"] < len(row) else "")
        if kind is None:
            raise RegisterFileError(f"Row {index}: the accreditation type must be Full or Provisional.")
        raw_expiry = row[columns["expiry"]] if columns["expiry"] < len(row) else ""
        expiry = parse_date(raw_expiry)
        if expiry is None:
            raise RegisterFileError(f"Row {index}: the expiry date “{raw_expiry}” is not a date (use 31/08/2029).")
        found.append(RegisterRow(number, name, kind, expiry, _text(row, columns["organisation"])))
        if len(found) > MAX_ROWS:
            raise RegisterFileError(f"The register has more than {MAX_ROWS:,} rows.")
    if not found:
        raise RegisterFileError("The register has headings but no researchers.")
    return found
