"""Is this the form, in a version we support, with readable table sheets?"""

from ..findings import finding
from .context import SUPPORTED_VERSIONS, Context


def check_structure(context: Context):
    cover = context.form.front_cover
    version = cover.version
    if version is None:
        yield finding(
            "form_version_missing",
            "The form's version could not be found (the Front Cover normally says 'Version 2.3'). The form was "
            "checked as version 2.3; if you used another copy, download the current form and copy your answers in.",
            sheet=cover.sheet,
        )
    elif version not in SUPPORTED_VERSIONS:
        yield finding(
            "unsupported_form_version",
            f"This is version {version} of the Variable Request Form; we accept version "
            f"{', '.join(SUPPORTED_VERSIONS)} only. Download the current form, copy your answers into it and upload "
            "that.",
            sheet=cover.sheet,
            cell=cover.version_cell,
        )
    for table in context.tables:
        if table.row is None:
            continue
        if table.sheet is None:
            yield finding(
                "table_sheet_missing",
                f"No sheet was found for '{table.name}' (Data Tables row {table.row.row + 1}), so its data items "
                "could not be read. Do not rename or delete the table sheets of the form.",
                sheet=context.summary_sheet,
                cell=table.row.table_cell,
            )
        elif table.sheet.header_row is None:
            yield finding(
                "table_sheet_unreadable",
                f"The sheet for '{table.name}' has no recognisable header row (e.g. 'NPD Alias ... Description ... "
                "Data request data item required?'), so its data items could not be read. Restore the header "
                "row from a fresh copy of the form.",
                sheet=table.sheet.name,
            )
    for table in context.tables:
        if table.row is None and table.sheet is not None:
            ticked = table.sheet.ticked()
            detail = f"; {len(ticked)} data item(s) are ticked on it and cannot be counted" if ticked else ""
            yield finding(
                "table_not_in_summary",
                f"Sheet '{table.sheet.name}' looks like a table sheet but no row of the Data Tables sheet refers to "
                f"it{detail}. Add the table to Data Tables or use the sheet from a fresh copy of the form.",
                sheet=table.sheet.name,
                cell=ticked[0].answer_cell if ticked else None,
            )
