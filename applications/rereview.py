"""Which departments review again when an answered query changed the data requested.

A department's approval covers its own data as the form asked for it. When the current form asks for more of a
department's data than the form the departments reviewed (a table, data items or years added), that department
reviews again; a department whose data is unchanged, or only reduced, keeps its decision (ADR 0011).
"""

from leo_access.roles import Department

from .models import Application, VariableRequestForm
from .selectors import current_form
from .vrf import more_data
from .vrf_catalogue import catalogue_for_version

# UCAS is held by ONS, not by a reviewing department; it is education data, which DfE reviews.
REVIEWER_OF_OWNER = {"dfe": Department.DFE, "hmrc": Department.HMRC, "dwp": Department.DWP, "ons": Department.DFE}
UNCOMPARED = "The data requested changed, and the forms could not be compared table by table."


def departments_to_review_again(application: Application, *, reviewed_fingerprint: str) -> dict[Department, list[str]]:
    """Each department whose data the current form asks more of than the form the departments reviewed (the one
    with `reviewed_fingerprint`, the SHA-256 a query keeps), with what changed. Empty when no department's data
    grew. Every department reviews again when the two cannot be compared table by table: a form without a stored
    check result, a form version with no catalogue, or a table the catalogue does not know."""
    current = current_form(application)
    if current is None or current.sha256 == reviewed_fingerprint:
        return {}
    reviewed = (
        application.variable_request_forms.filter(
            sha256=reviewed_fingerprint, validation_status=VariableRequestForm.Validation.PASSED
        )
        .order_by("-version")
        .first()
    )
    return departments_with_more_data(reviewed, current)


def departments_with_more_data(reviewed, current) -> dict[Department, list[str]]:
    """Each department whose data the form `current` asks more of than the form `reviewed`, with what changed:
    the one rule for an answered query and for an amendment to a live project's data (ADR 0011, ADR 0020)."""
    if reviewed is None or not reviewed.result or not current.result:
        return _everyone(UNCOMPARED)
    catalogue = catalogue_for_version(current.result.get("form_version") or "")
    if catalogue is None:
        return _everyone(UNCOMPARED)
    found: dict[Department, list[str]] = {}
    for table, changes in more_data(reviewed.result, current.result).items():
        entry = catalogue.table_for(name=table)
        reviewer = REVIEWER_OF_OWNER.get(entry.department) if entry else None
        line = f"{table}: {', '.join(changes)}" + ("" if entry else " (a table the catalogue does not list)")
        for department in [reviewer] if reviewer else list(Department):
            found.setdefault(department, []).append(line)
    return {department: found[department] for department in Department if department in found}


def _everyone(reason: str) -> dict[Department, list[str]]:
    return {department: [reason] for department in Department}
