"""Which table each summary row and sheet is: its family, dataset and owning department.

Families and departments (domain doc, section 5): NPD, LILR and HESA are DfE's education data; UCAS is held by ONS;
Employment, Earnings and IDBR, Self-assessment, CJRS and SEISS come from HMRC; Benefit spells and Geography from
DWP. The LEO linking tables are the ones whose "Table Name" column is in the LINK schema (LINK.EDUCATION_RECORDS_
LOOKUP and the AE_ID lookups) or that the summary describes as a "Linking table"; their AE_ID comes from DfE's
single person resolution, so they are counted as DfE's.
"""

from dataclasses import dataclass, field

from .form import DEFAULT_ONLY, YES, SummaryRow, TableSheet
from .matching import kind_words, match_tables
from .text import header_key, normalise
from .years import coverage_from_name

NPD = "npd"
LILR = "lilr"
HESA = "hesa"
UCAS = "ucas"
LINKING = "linking"
OUTCOME = "outcome"

DFE = "dfe"
HMRC = "hmrc"
DWP = "dwp"
ONS = "ons"
DEPARTMENTS = (DFE, HMRC, DWP, ONS)

DATASET_NAMES = {
    NPD: "NPD",
    LILR: "LILR",
    HESA: "HESA",
    UCAS: "UCAS",
    LINKING: "LEO linking",
    OUTCOME: "LEO outcomes",
}
_FAMILY_OF_DATASET = {"npd": NPD, "lilr": LILR, "ilr": LILR, "hesa": HESA, "ucas": UCAS}
_DEPARTMENT_OF_FAMILY = {NPD: DFE, LILR: DFE, HESA: DFE, UCAS: ONS, LINKING: DFE}
_DWP_WORDS = frozenset({"benefit", "geography"})
_HMRC_WORDS = frozenset({"employment", "earning", "idbr", "sa", "self", "assessment", "cjrs", "seiss"})


@dataclass
class ResolvedTable:
    """A table of the form: its summary row and its sheet, either of which may be missing."""

    row: SummaryRow | None
    sheet: TableSheet | None
    family: str | None
    dataset: str
    department: str
    name_words: set[str] = field(default_factory=set)
    coverage: set[int] | None = None

    @property
    def name(self) -> str:
        if self.row is not None:
            return self.row.table
        return self.sheet.name.strip() if self.sheet else ""

    @property
    def requested(self) -> str | None:
        return self.row.requested if self.row is not None else None

    @property
    def is_requested(self) -> bool:
        """Asked for in the summary (Yes or Default Variables only); linking tables come regardless."""
        return self.requested in (YES, DEFAULT_ONLY)

    def is_(self, *names: str) -> bool:
        """Whether the table is the one commonly called by any of these words (ks4, cin, absence...)."""
        return any(name in self.name_words for name in names)


def resolve_tables(rows: list[SummaryRow], sheets: list[TableSheet]) -> list[ResolvedTable]:
    """Summary rows in form order with their sheets, then any table sheet the summary does not list."""
    readable = [sheet for sheet in sheets if sheet.header_row is not None]
    # A sheet whose header cannot be found still pairs with its row, so the row can report it as unreadable.
    matched = match_tables(rows, readable)
    unmatched_rows = [index for index in range(len(rows)) if index not in matched]
    if unmatched_rows:
        unreadable = [sheet for sheet in sheets if sheet.header_row is None]
        extra = match_tables([rows[index] for index in unmatched_rows], unreadable)
        matched.update({unmatched_rows[index]: sheet for index, sheet in extra.items()})
    tables = [classify(row, matched.get(index)) for index, row in enumerate(rows)]
    paired = {id(sheet) for sheet in matched.values()}
    tables += [classify(None, sheet) for sheet in readable if id(sheet) not in paired]
    return tables


def classify(row: SummaryRow | None, sheet: TableSheet | None) -> ResolvedTable:
    family = _family(row, sheet)
    name_words = set()
    for text in (row.table if row else None, sheet.name if sheet else None):
        name_words |= kind_words(text)
    department = _DEPARTMENT_OF_FAMILY.get(family) or _outcome_department(row, sheet)
    dataset = DATASET_NAMES.get(family) or (row.dataset if row and row.dataset else "Unknown")
    coverage = coverage_from_name(sheet.name if sheet else None) or coverage_from_name(row.table if row else None)
    return ResolvedTable(
        row=row,
        sheet=sheet,
        family=family,
        dataset=dataset,
        department=department,
        name_words=name_words,
        coverage=coverage,
    )


def _family(row: SummaryRow | None, sheet: TableSheet | None) -> str | None:
    dataset = header_key(row.dataset) if row and row.dataset else ""
    header = sheet.family if sheet else None
    if dataset in _FAMILY_OF_DATASET:
        return _FAMILY_OF_DATASET[dataset]
    if dataset == "leo" or header == "leo":
        return LINKING if _is_linking(row, sheet) else OUTCOME
    return header


def _is_linking(row: SummaryRow | None, sheet: TableSheet | None) -> bool:
    if sheet is not None and any(name.casefold().startswith("link.") for name in sheet.table_names):
        return True
    return row is not None and "linking table" in normalise(row.description)


def _outcome_department(row: SummaryRow | None, sheet: TableSheet | None) -> str:
    """HMRC or DWP by the table's own name first, then its sheet's name and title, then its sources."""
    texts = [row.table if row else None]
    if sheet is not None:
        texts += [sheet.name, sheet.title, *sorted(set(sheet.table_names))]
    for text in texts:
        found = kind_words(text)
        if found & _DWP_WORDS:
            return DWP
        if found & _HMRC_WORDS:
            return HMRC
    sources = " ".join(source for source in (sheet.sources if sheet else []) if "lookup" not in source.casefold())
    hmrc, dwp = sources.casefold().count("hmrc"), sources.casefold().count("dwp")
    if hmrc or dwp:
        return HMRC if hmrc >= dwp else DWP
    # Nothing says whose it is: DfE, which owns LEO, answers for it.
    return DFE
