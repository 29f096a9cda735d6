"""Variables reviewers should look at closely: the most identifying and the most sensitive.

The form scores identification risk from 1 to 5 with 1 the most identifying: its own notes call 1B/2B "personal
level data" and 3B "de-identified personal level data", names score 1, the pupil matching reference 3, gender 5.
Sensitivity runs from A (most sensitive) to E: children's social care data are B, ethnicity and language D, most
items E. So 1-2 counts as high identification risk and A-B as sensitive.
"""

from ..findings import finding
from .context import Context

HIGH_IDENTIFICATION_RISK = frozenset({1, 2})
SENSITIVE = frozenset({"A", "B"})
_LISTED = 20


def high_risk(item) -> bool:
    return item.identification_risk in HIGH_IDENTIFICATION_RISK


def sensitive(item) -> bool:
    return item.sensitivity in SENSITIVE


def check_flags(context: Context):
    risky = [(table, item) for table, item in context.requested_items if high_risk(item)]
    if risky:
        yield finding(
            "high_identification_risk_variables",
            f"{len(risky)} requested data item(s) have a high identification risk (1 or 2 on the form's scale, where "
            f"1 is the most identifying): {_listing(risky)}. Make sure the justification explains why each is "
            "needed.",
        )
    delicate = [(table, item) for table, item in context.requested_items if sensitive(item)]
    if delicate:
        yield finding(
            "sensitive_variables",
            f"{len(delicate)} requested data item(s) are highly sensitive (sensitivity A or B, such as children's "
            f"social care data): {_listing(delicate)}. Make sure the justification explains why each is needed.",
        )


def _listing(pairs) -> str:
    shown = [f"{item.alias} ({table.sheet.name.strip()}!{item.alias_cell})" for table, item in pairs[:_LISTED]]
    more = f" and {len(pairs) - _LISTED} more" if len(pairs) > _LISTED else ""
    return ", ".join(shown) + more
