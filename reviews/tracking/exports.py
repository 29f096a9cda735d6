"""The application list and the project register as CSV and XLSX, row by row, never all in memory.

Spreadsheet programs run a cell that starts with =, +, -, @, a tab or a carriage return as a formula.
Titles and names come from applicants, so such text is neutralised: in CSV it gets a leading
apostrophe (the OWASP advice), in XLSX it is stored with the string type, never as a formula.

On PostgreSQL a CSV export is written by the database itself (`COPY ... TO STDOUT WITH CSV`), from a
query that formats each cell exactly as the Python writer below does, neutralising included; the rows
stream through without becoming Python objects. Elsewhere (SQLite), and for XLSX, the rows are read
with a server-side cursor and written in Python. Both give the same bytes (a test compares them).
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import psycopg
from django.db import connection
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from applications import service_levels
from applications.states import State
from leo_access.spreadsheets import FORMULA_TRIGGERS, neutralise

from . import selectors

# Characters XML 1.0 cannot hold; openpyxl refuses them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
STATE_LABELS = dict(State.choices)
FLAG_LABELS = {"ending_soon": "Ends within 90 days", "past_end": "Past its end date, not closed", "": ""}
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # text, date, datetime, int or bool
    width: int = 20


@dataclass(frozen=True)
class Cell:
    """How the database writes one CSV column from the `fields` of a table (PostgreSQL only).

    kind: text (neutralised), label (a code written as its label, neutralised), local_minutes (a moment in
    local time, to the minute), local_date (a moment's local date), date, days (whole days from the moment
    to the table's `now`), yes_no or int. `field` is the index of the value it is written from.
    """

    kind: str
    field: int
    labels: dict | None = None


@dataclass
class Table:
    columns: list[Column]
    queryset: QuerySet
    fields: list[str]
    convert: Callable[[tuple], tuple]
    # The cells `convert` and `_csv_value` make, written by the database instead; see `copy_statement`.
    cells: list[Cell] | None = None
    now: datetime | None = None

    def count(self) -> int:
        return self.queryset.count()

    def rows(self) -> Iterator[tuple]:
        # A server-side cursor on PostgreSQL, so rows arrive in chunks and memory stays flat.
        chunk = 2000 if connection.vendor == "postgresql" else 500
        for values in self.queryset.values_list(*self.fields).iterator(chunk_size=chunk):
            yield self.convert(values)


def _local(moment: datetime | None) -> datetime | None:
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def application_table(filters: selectors.ApplicationFilters) -> Table:
    now = timezone.now()
    queryset = selectors.applications(filters, now=now).annotate(
        is_overdue=Case(
            When(service_levels.overdue_q(now), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )

    def convert(values):
        reference, title, state, organisation, coordinator, submitted, entered, late = values
        days = (now - entered).days if entered else None
        return (
            reference,
            title,
            STATE_LABELS.get(state, state),
            organisation or "",
            coordinator or "",
            _local(submitted),
            _local(entered),
            days,
            late,
        )

    return Table(
        columns=[
            Column("Reference", "text", 16),
            Column("Title", "text", 50),
            Column("State", "text", 20),
            Column("Organisation", "text", 30),
            Column("Co-ordinator", "text", 25),
            Column("Submitted", "datetime", 18),
            Column("Entered current stage", "datetime", 18),
            Column("Days at current stage", "int", 10),
            Column("Overdue", "bool", 10),
        ],
        queryset=queryset,
        fields=[
            "reference",
            "title",
            "state",
            "organisation",
            "coordinator_name",
            "submitted_at",
            "stage_entered_at",
            "is_overdue",
        ],
        convert=convert,
        cells=[
            Cell("text", 0),
            Cell("text", 1),
            Cell("label", 2, STATE_LABELS),
            Cell("text", 3),
            Cell("text", 4),
            Cell("local_minutes", 5),
            Cell("local_minutes", 6),
            Cell("days", 6),
            Cell("yes_no", 7),
        ],
        now=now,
    )


def register_table(filters: selectors.RegisterFilters) -> Table:
    def convert(values):
        reference, title, organisation, coordinator, datasets, accredited, ends, state, flag = values
        return (
            reference,
            title,
            organisation or "",
            coordinator or "",
            datasets or "",
            timezone.localtime(accredited).date() if accredited else None,
            ends,
            STATE_LABELS.get(state, state),
            FLAG_LABELS.get(flag, flag),
        )

    return Table(
        columns=[
            Column("Reference", "text", 16),
            Column("Title", "text", 50),
            Column("Organisation", "text", 30),
            Column("Co-ordinator", "text", 25),
            Column("Datasets", "text", 30),
            Column("Accredited on", "date", 14),
            Column("Project ends", "date", 14),
            Column("State", "text", 16),
            Column("Flag", "text", 28),
        ],
        queryset=selectors.register(filters),
        fields=[
            "reference",
            "title",
            "organisation",
            "coordinator_name",
            "datasets",
            "accredited_at",
            "end_date",
            "state",
            "flag",
        ],
        convert=convert,
        cells=[
            Cell("text", 0),
            Cell("text", 1),
            Cell("text", 2),
            Cell("text", 3),
            Cell("text", 4),
            Cell("local_date", 5),
            Cell("date", 6),
            Cell("label", 7, STATE_LABELS),
            Cell("label", 8, FLAG_LABELS),
        ],
    )


# CSV -------------------------------------------------------------------------------------------


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


CHUNK_BYTES = 64 * 1024


def csv_chunks(table: Table, rows: Iterable[tuple] | None = None, progress=None) -> Iterator[str]:
    """The CSV text in chunks of many rows each, for a streaming response or a file."""
    if rows is None and table.cells and connection.vendor == "postgresql":
        yield from copied_csv_chunks(table, progress=progress)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in table.columns])
    written = 0
    for row in table.rows() if rows is None else rows:
        writer.writerow([_csv_value(value) for value in row])
        written += 1
        if written % PROGRESS_EVERY == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if progress:
                progress(written)
    yield buffer.getvalue()
    if progress:
        progress(written)


def _copy_cell(cell: Cell, column: str, now) -> tuple[str, list]:
    """SQL for one CSV cell, with its parameters: the text `_csv_value` makes of the converted value."""
    if cell.kind in ("text", "label"):
        value, value_params = f"{column}::text", []
        if cell.kind == "label":
            whens = " ".join("WHEN %s THEN %s" for _ in cell.labels)
            value = f"(CASE {column} {whens} ELSE {column} END)::text"
            value_params = [item for pair in cell.labels.items() for item in pair]
        triggers = ", ".join("%s" for _ in FORMULA_TRIGGERS)
        # NULLIF: empty text is written as nothing at all, as Python's csv module writes it, not as "".
        sql = f"NULLIF(CASE WHEN LEFT({value}, 1) IN ({triggers}) THEN '''' || {value} ELSE {value} END, '')"
        return sql, [*value_params, *FORMULA_TRIGGERS, *value_params, *value_params]
    if cell.kind == "local_minutes":
        return f"TO_CHAR({column} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')", [timezone.get_current_timezone_name()]
    if cell.kind == "local_date":
        return f"TO_CHAR({column} AT TIME ZONE %s, 'YYYY-MM-DD')", [timezone.get_current_timezone_name()]
    if cell.kind == "date":
        return f"TO_CHAR({column}, 'YYYY-MM-DD')", []
    if cell.kind == "days":
        return f"FLOOR(EXTRACT(EPOCH FROM (%s - {column})) / 86400)::integer", [now]
    if cell.kind == "yes_no":
        return f"CASE WHEN {column} THEN 'Yes' WHEN NOT {column} THEN 'No' END", []
    if cell.kind == "int":
        return column, []
    raise ValueError(f"Unknown cell kind {cell.kind!r}")


def copy_statement(table: Table) -> str:
    """The table's query wrapped so that PostgreSQL writes every cell as the Python CSV writer would."""
    inner, inner_params = table.queryset.values_list(*table.fields).query.sql_with_params()
    names = [f"f{index}" for index in range(len(table.fields))]
    expressions, params = [], []
    for cell in table.cells:
        sql, cell_params = _copy_cell(cell, names[cell.field], table.now)
        expressions.append(sql)
        params += cell_params
    # The query is ordered, so PostgreSQL keeps it whole (it never pulls an ordered subquery up): each value is
    # worked out once, however often the cells name it, and the rows keep the query's order.
    sql = f"SELECT {', '.join(expressions)} FROM ({inner}) AS row_values({', '.join(names)})"  # noqa: S608
    connection.ensure_connection()
    return psycopg.ClientCursor(connection.connection).mogrify(sql, [*params, *inner_params])


def copied_csv_chunks(table: Table, progress=None) -> Iterator[str]:
    """The CSV written by PostgreSQL's COPY, in chunks; the header is written here, as the Python writer does.

    The COPY runs on Django's connection (so it sees what the request or task sees) and holds it until the last
    row: `progress` must not use that connection (services.build_export writes progress on one of its own). A
    reader that stops early closes this generator, and leaving the block cancels the COPY and frees the
    connection.
    """
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header for column in table.columns])
    chunk, size, written = [buffer.getvalue().encode()], 0, 0
    statement = f"COPY ({copy_statement(table)}) TO STDOUT WITH (FORMAT csv)"
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        # The server sends each row as one message, ending in a newline (the protocol's promise, so rows are
        # counted by messages). Python's csv module ends rows with CR LF, so that last byte becomes those two;
        # newlines inside quoted cells are left as they are, as Python leaves them.
        for block in copy:
            chunk.append(bytes(block[:-1]))
            chunk.append(b"\r\n")
            size += len(block) + 1
            written += 1
            if size >= CHUNK_BYTES:
                yield b"".join(chunk).decode()
                chunk, size = [], 0
            if progress and written % PROGRESS_EVERY == 0:
                progress(written)
    yield b"".join(chunk).decode()
    if progress:
        progress(written)


def write_csv(table: Table, path: Path, progress=None) -> int:
    written = 0

    def counted(count):
        nonlocal written
        written = count
        if progress:
            progress(count)

    with open(path, "w", encoding="utf-8", newline="") as handle:
        for chunk in csv_chunks(table, progress=counted):
            handle.write(chunk)
    return written


# XLSX ------------------------------------------------------------------------------------------


def _xlsx_value(sheet, value):
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
        if value.startswith(FORMULA_TRIGGERS):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def write_xlsx(table: Table, path: Path, progress=None) -> int:
    """A typed workbook (dates as dates, numbers as numbers) with a frozen header row and an auto-filter."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Export")
    # In write-only mode the sheet view comes before the rows, so the panes are frozen first.
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
    dated = [(index, formats[column.kind]) for index, column in enumerate(table.columns) if column.kind in formats]
    written = 0
    for row in table.rows():
        values = [_xlsx_value(sheet, value) for value in row]
        for index, number_format in dated:
            if values[index] is not None:
                cell = WriteOnlyCell(sheet, value=values[index])
                cell.number_format = number_format
                values[index] = cell
        sheet.append(values)
        written += 1
        if progress and written % PROGRESS_EVERY == 0:
            progress(written)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{written + 1}"
    workbook.save(path)
    if progress:
        progress(written)
    return written


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
