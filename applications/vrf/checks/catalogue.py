"""Are the requested tables and variables in the catalogue of the form's version?"""

from ..findings import finding
from ..text import alias_key
from .context import Context

IMPORT_HINT = "An administrator can import it with 'manage.py import_vrf_catalogue'."


def check_catalogue(context: Context):
    version = context.form.front_cover.version
    if context.catalogue_for_version is None or version is None:
        reason = "the form's version is not known" if version is None else "no catalogue is available"
        yield finding(
            "catalogue_unavailable",
            f"Tables and variables were not checked against the catalogue because {reason}. {IMPORT_HINT}",
        )
        return
    catalogue = context.catalogue_for_version(version)
    if catalogue is None:
        yield finding(
            "catalogue_unavailable",
            f"Tables and variables were not checked against the catalogue because no catalogue of form version "
            f"{version} is loaded. {IMPORT_HINT}",
        )
        return
    known_tables = {}
    for table in context.tables:
        ticked = table.sheet.ticked() if table.sheet is not None else []
        if not table.is_requested and not ticked:
            continue
        found = catalogue.table_for(table.sheet.name if table.sheet else None, table.name)
        known_tables[id(table)] = found
        if found is None:
            yield finding(
                "unknown_table",
                f"'{table.name}' is not a table of version {version} of the form. Use the tables of the current "
                "form only.",
                sheet=context.summary_sheet if table.row is not None else table.sheet.name,
                cell=table.row.table_cell if table.row is not None else None,
            )
    for table, item in context.requested_items:
        found = known_tables.get(id(table))
        if found is not None and alias_key(item.alias) not in found.alias_keys:
            yield finding(
                "unknown_variable",
                f"{item.alias} is not a data item of '{found.name}' in version {version} of the form. Check it "
                "has not been edited, or copy the row from a fresh copy of the form.",
                sheet=table.sheet.name,
                cell=item.alias_cell,
            )
