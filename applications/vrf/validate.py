"""The entry point: bytes in, a ValidationResult out, never an exception."""

import logging
from collections.abc import Callable

from .catalogue import Catalogue
from .checks import Context, run_checks
from .findings import ERROR, Rejected, finding
from .form import FormContents
from .reader import read_form
from .result import TableRequest, ValidationResult, VariableRequest
from .safety import Limits, check_workbook
from .tables import resolve_tables

logger = logging.getLogger(__name__)

CatalogueLookup = Callable[[str], Catalogue | None]


def validate_workbook(
    data: bytes,
    *,
    catalogue_for_version: CatalogueLookup | None = None,
    max_bytes: int = Limits.max_bytes,
) -> ValidationResult:
    """Check an uploaded Variable Request Form. A file that cannot be read at all gives a result with valid False
    and exactly one error finding saying why; nothing here raises."""
    try:
        if not isinstance(data, bytes):
            data = bytes(data)  # a bytearray or memoryview from an upload handler
        check_workbook(data, Limits(max_bytes=max_bytes))
        form = read_form(data)
    except Rejected as rejected:
        return ValidationResult.unreadable(rejected.finding)
    except Exception:
        # Anything the parser chokes on (corrupt XML, odd zip, calamine errors) reaches the user as one finding.
        logger.warning("Variable Request Form could not be parsed", exc_info=True)
        return ValidationResult.unreadable(
            finding(
                "unreadable_workbook",
                "The workbook could not be read: its contents are damaged or not in the form Excel saves. Open it "
                "in Excel, save it again as an .xlsx workbook and upload the new copy.",
            )
        )
    try:
        return assess(form, catalogue_for_version=catalogue_for_version)
    except Exception:
        logger.exception("Variable Request Form could not be checked")
        return ValidationResult.unreadable(
            finding(
                "unreadable_workbook",
                "The workbook was read but could not be checked because of an unexpected problem on our side. "
                "Try again later; if it keeps happening, contact us with the file.",
            )
        )


def assess(form: FormContents, *, catalogue_for_version: CatalogueLookup | None = None) -> ValidationResult:
    """Run every check on a form that has been read."""
    version = form.front_cover.version
    summary = form.summary
    if summary is None or not summary.rows:
        reason = (
            "no 'Data Tables' sheet listing the tables" if summary is None else "no tables on its Data Tables sheet"
        )
        return ValidationResult(
            form_version=version,
            application_reference=form.front_cover.application_reference,
            findings=[
                finding(
                    "not_a_vrf",
                    f"This workbook is not the LEO Variable Request Form: it has {reason}. Download the Variable "
                    "Request Form (version 2.3), fill it in and upload that.",
                    sheet=summary.sheet if summary else None,
                )
            ],
        )
    tables = resolve_tables(summary.rows, form.table_sheets)
    context = Context(form=form, tables=tables, catalogue_for_version=catalogue_for_version)
    findings = run_checks(context)
    findings.sort(key=lambda item: item.severity != ERROR)
    return ValidationResult(
        form_version=version,
        application_reference=form.front_cover.application_reference,
        tables=[
            TableRequest(
                dataset=table.row.dataset,
                table=table.row.table,
                requested=table.row.requested,
                justification=table.row.justification,
                sheet=table.sheet.name if table.sheet else None,
                dataset_group=table.dataset,
                department=table.department,
            )
            for table in tables
            if table.row is not None
        ],
        variables=[
            VariableRequest(
                sheet=table.sheet.name,
                table=table.name,
                alias=item.alias,
                years=item.years,
                cell=item.alias_cell,
                identification_risk=item.identification_risk,
                sensitivity=item.sensitivity,
                dataset_group=table.dataset,
                department=table.department,
            )
            for table, item in context.requested_items
        ],
        findings=findings,
    )
