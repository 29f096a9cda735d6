"""The validation result and its stable JSON form."""

from dataclasses import dataclass, field

from .findings import ERROR, WARNING, Finding
from .summary import summarise


@dataclass(frozen=True)
class TableRequest:
    """One row of the Data Tables summary. Only the first four fields are part of the JSON interface."""

    dataset: str | None  # as written in the form
    table: str  # as written in the form
    requested: str | None  # "yes", "no", "default" or None
    justification: str | None
    sheet: str | None = None
    dataset_group: str | None = None  # NPD, LILR, HESA, UCAS, LEO linking, LEO outcomes
    department: str | None = None  # dfe, hmrc, dwp or ons

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "table": self.table,
            "requested": self.requested,
            "justification": self.justification,
        }


@dataclass(frozen=True)
class VariableRequest:
    """One data item ticked "Yes" on a table sheet. Only the first four fields are part of the JSON interface."""

    sheet: str
    table: str
    alias: str
    years: str | None
    cell: str | None = None
    identification_risk: int | None = None
    sensitivity: str | None = None
    dataset_group: str | None = None
    department: str | None = None

    def to_dict(self) -> dict:
        return {"sheet": self.sheet, "table": self.table, "alias": self.alias, "years": self.years}


@dataclass
class ValidationResult:
    form_version: str | None
    tables: list[TableRequest] = field(default_factory=list)
    variables: list[VariableRequest] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    application_reference: str | None = None

    @classmethod
    def unreadable(cls, finding: Finding) -> "ValidationResult":
        return cls(form_version=None, findings=[finding])

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [item for item in self.findings if item.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [item for item in self.findings if item.severity == WARNING]

    def summary(self) -> dict:
        return summarise(self)

    def to_dict(self) -> dict:
        """The stable JSON interface: valid, form_version, tables, variables and findings, plus a summary and the
        application reference written on the front cover (extra keys callers may ignore)."""
        return {
            "valid": self.valid,
            "form_version": self.form_version,
            "tables": [table.to_dict() for table in self.tables],
            "variables": [variable.to_dict() for variable in self.variables],
            "findings": [item.to_dict() for item in self.findings],
            "application_reference": self.application_reference,
            "summary": self.summary(),
        }
