"""Findings: what the checks report. Every code has one fixed severity so that callers can rely on it."""

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

# The stable interface: code -> severity. Callers (views, reviewers' screens) key on these codes.
SEVERITIES: dict[str, str] = {
    # The file cannot be read at all; these come alone.
    "empty_file": ERROR,
    "file_too_large": ERROR,
    "not_a_spreadsheet": ERROR,
    "truncated_file": ERROR,
    "damaged_file": ERROR,
    "password_protected": ERROR,
    "macro_enabled": ERROR,
    "zip_bomb": ERROR,
    "xml_entities": ERROR,
    "unreadable_workbook": ERROR,
    "check_timed_out": ERROR,
    # The workbook is not the form, or not a version we support.
    "not_a_vrf": ERROR,
    "unsupported_form_version": ERROR,
    "form_version_missing": WARNING,
    "table_sheet_unreadable": ERROR,
    "table_sheet_missing": WARNING,
    "table_not_in_summary": WARNING,
    # Answers on the Data Tables summary sheet.
    "invalid_table_answer": ERROR,
    "table_answer_blank": WARNING,
    "missing_justification": ERROR,
    "short_justification": WARNING,
    # The summary and the table sheets disagree.
    "ticked_but_table_not_requested": ERROR,
    "ticked_but_default_only": ERROR,
    "requested_but_nothing_ticked": ERROR,
    "unclear_item_answer": WARNING,
    "item_years_missing": WARNING,
    "years_without_item": WARNING,
    # Rules of the LEO request as a whole.
    "nothing_requested": ERROR,
    "no_leo_outcome_table": ERROR,
    "disproportionate_request": ERROR,
    "all_tables_requested": WARNING,
    # Against the catalogue of the form's version.
    "catalogue_unavailable": WARNING,
    "unknown_table": ERROR,
    "unknown_variable": ERROR,
    # Data conditions published by DfE and HMRC.
    "cin_cla_with_postcode": ERROR,
    "establishment_ids_with_covid_attainment": WARNING,
    "absence_2019_20_not_shared": WARNING,
    "hmrc_consultation_required": WARNING,
    # Flagged for reviewers.
    "high_identification_risk_variables": WARNING,
    "sensitive_variables": WARNING,
}


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    sheet: str | None
    cell: str | None
    message: str

    def to_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
        }


def finding(code: str, message: str, *, sheet: str | None = None, cell: str | None = None) -> Finding:
    """A finding with the severity fixed for its code (an unknown code is a programming error: KeyError)."""
    return Finding(severity=SEVERITIES[code], code=code, sheet=sheet, cell=cell, message=message)


class Rejected(Exception):
    """The upload cannot be read at all; carries the one finding that says why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.finding = finding(code, message)
