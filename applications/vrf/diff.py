"""What changed between two uploads of the form for the same application."""

from .result import ValidationResult
from .text import alias_key, header_key
from .years import requested_years

_REQUESTED = ("yes", "default")


def diff_results(before: ValidationResult | dict, after: ValidationResult | dict) -> dict:
    """Tables and variables added, removed or changed from `before` to `after`. Either may be a result or its
    to_dict() output, so stored results can be compared. Tables are matched by name and variables by table and
    alias, ignoring case and spacing."""
    old, new = _as_dict(before), _as_dict(after)
    old_tables = {header_key(table["table"]): table for table in old["tables"]}
    new_tables = {header_key(table["table"]): table for table in new["tables"]}
    old_requested = {key for key, table in old_tables.items() if table["requested"] in _REQUESTED}
    new_requested = {key for key, table in new_tables.items() if table["requested"] in _REQUESTED}
    old_variables = {_variable_key(variable): variable for variable in old["variables"]}
    new_variables = {_variable_key(variable): variable for variable in new["variables"]}
    return {
        "tables_added": [new_tables[key]["table"] for key in new_tables if key in new_requested - old_requested],
        "tables_removed": [old_tables[key]["table"] for key in old_tables if key in old_requested - new_requested],
        "tables_changed": [
            {"table": new_tables[key]["table"], "before": old_tables[key]["requested"], "after": table["requested"]}
            for key, table in new_tables.items()
            if key in old_requested & new_requested and old_tables[key]["requested"] != table["requested"]
        ],
        "variables_added": [_public(variable) for key, variable in new_variables.items() if key not in old_variables],
        "variables_removed": [_public(variable) for key, variable in old_variables.items() if key not in new_variables],
        "years_changed": [
            {**_public(variable), "before": old_variables[key]["years"]}
            for key, variable in new_variables.items()
            if key in old_variables and old_variables[key]["years"] != variable["years"]
        ],
    }


def more_data(before: ValidationResult | dict, after: ValidationResult | dict) -> dict[str, list[str]]:
    """The tables for which `after` asks for data that `before` did not, each with what it adds: a table newly
    requested, "Default variables only" become "Yes", data items added, or years beyond those asked before. Only
    these need a new approval: a table or data item dropped, "Yes" become "Default variables only", or fewer years
    ask for less than was approved. Keyed by table name as `after` writes it."""
    diff = diff_results(before, after)
    old_years = {_variable_key(variable): variable["years"] for variable in _as_dict(before)["variables"]}
    found: dict[str, list[str]] = {}

    def note(table: str, what: str):
        found.setdefault(table, [])
        if what not in found[table]:
            found[table].append(what)

    for table in diff["tables_added"]:
        note(table, "table requested")
    for change in diff["tables_changed"]:
        if change["before"] == "default" and change["after"] == "yes":
            note(change["table"], "data items chosen beyond the default ones")
    for variable in diff["variables_added"]:
        note(variable["table"], "data items added")
    for variable in diff["years_changed"]:
        if _more_years(old_years[_variable_key(variable)], variable["years"]):
            note(variable["table"], "years added")
    return found


def _more_years(before: str | None, after: str | None) -> bool:
    """Does `after` name a year `before` did not? Text naming no year means every year available."""
    old, new = requested_years(before), requested_years(after)
    if old is None:
        return False
    return new is None or not new <= old


def _as_dict(result: ValidationResult | dict) -> dict:
    if isinstance(result, ValidationResult):
        return {
            "tables": [table.to_dict() for table in result.tables],
            "variables": [variable.to_dict() for variable in result.variables],
        }
    return result


def _variable_key(variable: dict) -> tuple[str, str]:
    # An alias listed twice on one sheet (in the pupil and the exam sub-tables) counts once: it is one request.
    return header_key(variable["table"]), alias_key(variable["alias"])


def _public(variable: dict) -> dict:
    return {
        "sheet": variable["sheet"],
        "table": variable["table"],
        "alias": variable["alias"],
        "years": variable["years"],
    }
