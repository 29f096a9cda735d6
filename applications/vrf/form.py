"""What the reader finds in a workbook, with the cell positions needed to report findings."""

from dataclasses import dataclass, field

from .text import cell_ref

# Sections of a table sheet. NPD sheets have by-request items (ticked one by one) and default items (always
# delivered with the table); UCAS and LEO tables are delivered whole, so their items are all "included".
BY_REQUEST = "by_request"
DEFAULT = "default"
INCLUDED = "included"

YES = "yes"
NO = "no"
DEFAULT_ONLY = "default"
UNCLEAR = "unclear"


@dataclass
class FrontCover:
    sheet: str | None = None
    title: str | None = None
    version: str | None = None
    version_cell: str | None = None
    date: str | None = None
    application_reference: str | None = None


@dataclass
class SummaryRow:
    row: int  # 0-based
    dataset: str | None
    table: str
    description: str | None
    answer_text: str
    requested: str | None  # YES, NO, DEFAULT_ONLY or None; None also when the answer is not understood
    justification: str | None
    answer_column: int
    justification_column: int | None
    table_column: int

    @property
    def answer_cell(self) -> str:
        return cell_ref(self.row, self.answer_column)

    @property
    def justification_cell(self) -> str:
        column = self.justification_column if self.justification_column is not None else self.answer_column
        return cell_ref(self.row, column)

    @property
    def table_cell(self) -> str:
        return cell_ref(self.row, self.table_column)


@dataclass
class Summary:
    sheet: str
    header_row: int
    rows: list[SummaryRow]
    has_justification_column: bool


@dataclass(slots=True)
class Item:
    """One variable row of a table sheet."""

    row: int  # 0-based
    alias: str
    section: str
    answer: str | None  # YES, NO, UNCLEAR or None (blank)
    answer_text: str
    years: str | None
    alias_column: int
    answer_column: int | None
    years_column: int | None
    field_reference: str | None = None
    description: str | None = None
    years_populated: str | None = None
    identification_risk: int | None = None
    sensitivity: str | None = None

    @property
    def alias_cell(self) -> str:
        return cell_ref(self.row, self.alias_column)

    @property
    def answer_cell(self) -> str:
        return cell_ref(self.row, self.answer_column if self.answer_column is not None else self.alias_column)

    @property
    def years_cell(self) -> str:
        return cell_ref(self.row, self.years_column if self.years_column is not None else self.alias_column)


@dataclass
class TableSheet:
    name: str  # exactly as in the workbook, trailing spaces and all
    title: str | None
    header_row: int | None  # None when no variable header was found
    family: str | None  # from the header: npd, hesa, lilr, ucas or leo
    has_answer_column: bool = False
    has_years_column: bool = False
    # In "requests" mode only rows carrying an answer or years are kept; in "catalogue" mode every variable row.
    items: list[Item] = field(default_factory=list)
    by_request_count: int = 0
    table_names: list[str] = field(default_factory=list)  # the LEO "Table Name" column, e.g. LEO.Benefits
    sources: list[str] = field(default_factory=list)  # the LEO "Source Dataset" column

    def ticked(self) -> list[Item]:
        return [item for item in self.items if item.answer == YES and item.section == BY_REQUEST]


@dataclass
class FormContents:
    sheet_names: list[str]
    front_cover: FrontCover
    summary: Summary | None
    table_sheets: list[TableSheet]
    # Read in "catalogue" mode only: the official text of the Overview sheet and the rows of the COVID19 Impact
    # sheet, so that a template written from the catalogue carries them.
    overview: str | None = None
    covid_impact: list[list[str]] = field(default_factory=list)
