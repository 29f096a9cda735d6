"""Builds Variable Request Forms in the layout of the real v2.3 form, with knobs to create each problem.

The layout copies the real file's quirks on purpose: the summary table starts in column C at row 9, NPD sheets have
a by-request and a default section, the KS2 sheet name ends in a space, the LILR summary name starts with a curly
quote, headers carry line breaks and trailing spaces, LEO sheets start in column B under a descriptive block.
The builder records where it put every answer, so tests can check cell references without trusting the reader.

    builder = VrfBuilder()                      # a valid request: KS4, LILR, linking, Employment and Benefit
    builder.tick("cin", "CIN_CINAt31March")     # ...then knobs to break it
    builder.answer("cin", "No")
    data = builder.build()
    builder.cell("cin", "CIN_CINAt31March")     # -> "O12", where the tick went
"""

import copy
import datetime
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

LONG_JUSTIFICATION = (
    "We need this table to follow pupils from school into work and to measure how attainment and "
    "characteristics relate to later earnings, which answers our first and second research questions."
)
NPD_COLUMNS = [
    "NPD Alias",
    "Field Reference",
    "Old Alias",
    "Standard Extract",
    "Years Populated",
    "Description",
    "Level of Care",
    "Available from UKDS?",
    "Identification Risk",
    "Sensitivity",
]
NPD_ANSWER_COLUMNS = ["Data request data item required?", "Data request years required?"]
# The KS2 sheet's header as real files have it: line breaks, trailing spaces, another word for the risk.
UNTIDY_NPD_COLUMNS = [
    "NPD Alias ",
    "Field\nReference",
    "Old Alias",
    "Standard Extract",
    "Years Populated ",
    "Description",
    "Level of Care",
    "Available from UKDS?",
    "Identifiability",
    "Sensitivity ",
]
UNTIDY_NPD_ANSWER_COLUMNS = ["Data request data item\nrequired? ", "Data request years\nrequired?"]
HESA_COLUMNS = [
    "Field type",
    "NPDAlias",
    "FieldReference",
    "Description",
    "Years Populated",
    "Notes",
    "Identifiability",
    "Sensitivity",
    "Data request data item required?",
    "Data request years required?",
]
LILR_COLUMNS = ["Field", "Type", "Length", "Nullable", "Description", "Years available", "Codes", "required?"]
UCAS_COLUMNS = ["Field", "Description", "Years populated "]
LEO_COLUMNS = [
    "Table Name",
    "Field Name",
    "Data Type",
    "Years Populated (tax years)",
    "Description",
    "Values",
    "Source Dataset",
    "Notes",
]
DEFAULT_HEADING = (
    "Default Data Items (applicants will receive these data items by default if they have requested this dataset)"
)


@dataclass
class Var:
    alias: str
    field_reference: str = ""
    description: str = "A data item."
    years_populated: str = "2001/02 - 2020/21"
    risk: int | None = 5
    sensitivity: str | None = "E"
    ukds: str = "Yes"
    answer: str | None = None
    years: str | None = None

    def __post_init__(self):
        if not self.field_reference:
            self.field_reference = self.alias.split("_", 1)[-1]


@dataclass
class TableSpec:
    key: str
    dataset: str
    name: str  # as in the Data Tables summary
    sheet: str
    family: str  # npd, lilr, hesa, ucas, linking, outcome
    description: str
    title: str
    answer: str | None = None
    justification: str | None = None
    by_request: list[Var] = field(default_factory=list)
    defaults: list[Var] = field(default_factory=list)
    leo_table: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    untidy: bool = False


def standard_tables() -> list[TableSpec]:
    return [
        TableSpec(
            key="ks2",
            dataset="NPD",
            name="KS2 - 95-96 to 15-16",
            sheet="KS2_95-96_to_15-16 ",
            family="npd",
            description="Key stage 2 attainment data. ",
            title="Key Stage 2",
            answer="No",
            untidy=True,
            by_request=[
                Var("KS2_GENDER", risk=5, sensitivity="C"),
                Var("KS2_LAESTAB_anon", risk=4, ukds="No"),
                Var("KS2_EXAMNO", risk=2, ukds="No"),
            ],
            defaults=[Var("KS2_PupilMatchingRefAnonymous", risk=3), Var("KS2_KS2APS")],
        ),
        TableSpec(
            key="ks4",
            dataset="NPD",
            name="KS4 01-02 to 20-21",
            sheet="KS4_01-02_to_20-21",
            family="npd",
            description="Key stage 4 attainment data (all methodologies). ",
            title="Key Stage 4",
            answer="Yes",
            justification=LONG_JUSTIFICATION,
            by_request=[
                Var("KS4_GENDER", sensitivity="C", answer="Yes", years="2002 to 2016"),
                Var("KS4_LAESTAB_anon", risk=4, ukds="No"),
                Var("KS4_URN_anon", risk=4, ukds="No"),
                Var("KS4_REFUGEE", risk=1, sensitivity="C", ukds="No"),
                Var("KS4_FSM_CLA", risk=5, sensitivity="B"),
            ],
            defaults=[
                Var("KS4_PupilMatchingRefAnonymous", risk=3),
                Var("KS4_ACADYR"),
                Var("KS4_PTSCNEWE", ukds="No"),
            ],
        ),
        TableSpec(
            key="cin",
            dataset="NPD",
            name="CIN 08-09 to 20-21",
            sheet="CIN_08-09_to_20-21",
            family="npd",
            description="This has information covering all children who are referred to children\u2019s social care.",
            title="Children In Need",
            answer="No",
            notes=[
                '(Old TIER 1 only = Identification / sensitvity 1B "personal level data of sensitivity level B")',
                "CIN_UPN and CIN_PostCode will be removed before releasing to ONS SRS",
                "",
                "CIN data may not be used in conjunction with pupil postcode data from any source",
            ],
            by_request=[
                Var("CIN_CINAt31March", risk=4, sensitivity="B"),
                Var("CIN_PupilMatchingRefAnonymous", risk=3, sensitivity="B"),
                Var("CIN_LA_anon", risk=5, sensitivity="B"),
            ],
        ),
        TableSpec(
            key="absence",
            dataset="NPD",
            name="Absence 05-06 to 20-21",
            sheet="Absence_05-06_to_20-21",
            family="npd",
            description="This has information on pupil absences derived from the termly School Census.",
            title="Pupil Absence",
            answer="No",
            by_request=[Var("Gender_ab[yy]", field_reference="Gender"), Var("LAEstab_ab[yy]_anon", risk=4)],
            defaults=[Var("PupilMatchingRefAnonymous_ab[yy]", risk=3)],
        ),
        TableSpec(
            key="lilr",
            dataset="LILR",
            name="\u2018LILR_Learners_02-03_to_20-21",
            sheet="LILR_Learners_02-03_to_20-21",
            family="lilr",
            description="Learners records",
            title="Longitudinal ILR Learners table",
            answer="Yes",
            justification=LONG_JUSTIFICATION,
            by_request=[
                Var("external_id", answer="Yes", years_populated="All Years"),
                Var("\tukprn_anon", years_populated="All Years"),
                Var("PriorPstCode", description="Postcode prior to learning", years_populated="All Years"),
            ],
        ),
        TableSpec(
            key="hesa",
            dataset="HESA",
            name="HESA 04-05 to 19-20",
            sheet="HESA 04-05 to 19-20",
            family="hesa",
            description="This has information on Higher Education participation and outcomes.",
            title="HESA",
            answer="No",
            by_request=[
                Var("HE_PUPILMATCHINGREFANONYMOUS", risk=3),
                Var("HE_XINSTID01__ANON", risk=4),
                Var("HE_XQOBTN01"),
            ],
        ),
        TableSpec(
            key="ucas",
            dataset="UCAS",
            name="UCAS_07-08_to_20-21",
            sheet="UCAS_07-08_to_20-21",
            family="ucas",
            description="UCAS variables available through the ONS SRS (held by ONS not transferred from DfE)",
            title="University College Admission System (UCAS) data table",
            answer="No",
            by_request=[Var("applicant_id", risk=None, sensitivity=None), Var("grade", risk=None, sensitivity=None)],
        ),
        TableSpec(
            key="link",
            dataset="LEO",
            name="Resolved Learner AE_ID To Edukey Lookup",
            sheet="LEARNER_AE_ID_TO_EDUKEY_LOOKUP ",
            family="linking",
            description="Linking table - Used to link resolved Edukeys to education records",
            title="Resolved Learner AE_ID To Edukey Lookup",
            answer="Yes",
            leo_table="LINK.LEARNER_AE_ID_TO_EDUKEY_LOOKUP",
            source="Education Records Lookup",
            by_request=[Var("AE_ID", years_populated="N/A"), Var("EDUKEY", years_populated="N/A")],
        ),
        TableSpec(
            key="employment",
            dataset="LEO",
            name="Employment Spells table",
            sheet="Employment_97-98_to_20-21",
            family="outcome",
            description="This allows investigation of the impact of learning and any resulting employment.",
            title="LEO_Employment Spells Table",
            answer="Yes",
            justification=LONG_JUSTIFICATION,
            leo_table="LEO.Employment",
            source="HMRC P45 Dataset",
            by_request=[Var("EduKey", years_populated="1997/98 - 2020/21"), Var("StartDate"), Var("EndDate")],
        ),
        TableSpec(
            key="benefit",
            dataset="LEO",
            name="Benefit Spells table",
            sheet="Benefit_99-00_to_20-21",
            family="outcome",
            description="This allows investigation of the impact of learning and any resulting benefit uptake",
            title="LEO Benefit Spells Table",
            answer="Yes",
            justification=LONG_JUSTIFICATION,
            leo_table="LEO.Benefits",
            source="DWP NBD, JTA, PIP & UC Datasets",
            by_request=[Var("EduKey"), Var("Benefit_type")],
        ),
        TableSpec(
            key="cjrs",
            dataset="LEO",
            name="CJRS",
            sheet="CJRS_19-20_to_20-21",
            family="outcome",
            description="Coronavirus Job Retention Scheme",
            # The real form gives this sheet the Earnings sheet's title; matching must not be fooled by it.
            title="LEO Earnings Table",
            answer="No",
            leo_table="LEO.CJRS",
            source="RAPID",
            by_request=[Var("EDUKEY"), Var("CJRS_TOT_WKS")],
        ),
    ]


class VrfBuilder:
    def __init__(self):
        self.tables: list[TableSpec] = standard_tables()
        self.version_text: str | None = "Version 2.3"
        self.reference: str | None = None
        self.summary_sheet = "Data Tables"
        self.include_summary = True
        self.include_justification_column = True
        self.title_rows = 0  # extra rows above every table header, to show headers are not on a fixed line
        self.without_header: set[str] = set()
        self.without_sheet: set[str] = set()
        self.extra_sheets: list[TableSpec] = []
        self.positions: dict[tuple[str, str, str], str] = {}

    # Knobs -------------------------------------------------------------------------------------------------
    def table(self, key: str) -> TableSpec:
        return next(table for table in self.tables + self.extra_sheets if table.key == key)

    def answer(self, key: str, answer: str | None) -> "VrfBuilder":
        self.table(key).answer = answer
        return self

    def justify(self, key: str, text: str | None) -> "VrfBuilder":
        self.table(key).justification = text
        return self

    def request(self, key: str, answer: str = "Yes") -> "VrfBuilder":
        table = self.table(key)
        table.answer = answer
        table.justification = table.justification or LONG_JUSTIFICATION
        return self

    def tick(self, key: str, alias: str, years: str | None = "2002 to 2021", answer: str = "Yes") -> "VrfBuilder":
        variable = self.variable(key, alias)
        variable.answer = answer
        variable.years = years
        return self

    def untick_all(self, key: str) -> "VrfBuilder":
        for variable in self.table(key).by_request:
            variable.answer = None
            variable.years = None
        return self

    def variable(self, key: str, alias: str) -> Var:
        return next(var for var in self.table(key).by_request if var.alias.strip() == alias)

    def add_variable(self, key: str, variable: Var) -> "VrfBuilder":
        self.table(key).by_request.append(variable)
        return self

    def add_sheet_not_in_summary(self, spec: TableSpec) -> "VrfBuilder":
        self.extra_sheets.append(spec)
        return self

    # Where things went (after build) ----------------------------------------------------------------------
    def cell(self, key: str, alias: str, column: str = "answer") -> str:
        """The cell of a data item's "alias", "answer" or "years" on its table sheet."""
        return self.positions[(key, alias, column)]

    def summary_cell(self, key: str, column: str = "answer") -> str:
        """The cell of a table's "table", "answer" or "justification" on the Data Tables sheet."""
        return self.positions[(key, "<summary>", column)]

    # Building ---------------------------------------------------------------------------------------------
    def build(self) -> bytes:
        self.positions = {}
        book = Workbook()
        self._front_cover(book.active)
        book.create_sheet("Overview")["B4"] = "Why do you need to fill in this form?\n\nYou are required to..."
        if self.include_summary:
            self._summary(book.create_sheet(self.summary_sheet))
        covid = book.create_sheet("COVID19 Impact")
        covid["A1"] = "COVID19 impact on data availability."
        covid["A5"], covid["B5"], covid["C5"] = "Dataset", "Collection impacted by COVID19", "Year(s) impacted"
        for table in self.tables + self.extra_sheets:
            if table.key in self.without_sheet:
                continue
            sheet = book.create_sheet(table.sheet)
            if table.family == "npd" or table.family == "hesa":
                self._npd_sheet(sheet, table)
            elif table.family == "lilr":
                self._lilr_sheet(sheet, table)
            elif table.family == "ucas":
                self._ucas_sheet(sheet, table)
            else:
                self._leo_sheet(sheet, table)
        out = BytesIO()
        book.save(out)
        return out.getvalue()

    def copy(self) -> "VrfBuilder":
        return copy.deepcopy(self)

    def _front_cover(self, sheet) -> None:
        sheet.title = "Front Cover"
        sheet["B8"] = "(Official)"
        sheet["B9"] = "Longitudinal Educational Outcomes"
        sheet["B10"] = "(LEO) via SRS I2"
        sheet["B16"] = "LEO I2SE Variable Request Form"
        if self.version_text is not None:
            sheet["B22"] = self.version_text
        sheet["B23"] = datetime.datetime(2024, 5, 20)
        if self.reference:
            sheet["B25"] = f"Application reference: {self.reference}"

    def _summary(self, sheet) -> None:
        sheet["C2"] = "Requesting variables:"
        sheet["C5"], sheet["D5"] = "Yes", "If you require any of the by request data items within a data table."
        sheet["C6"], sheet["D6"] = "No", "If you do not require any of the variables within a data table "
        sheet["C7"] = "Default variables only (NPD only) "
        header = [
            "Dataset \n",
            "Table Name",
            "Description",
            "Is this table required? ",
            "Which data items are required? ",
        ]
        if self.include_justification_column:
            header.append("Please provide justification for why tables and variables have been requested")
        for offset, text in enumerate(header):
            sheet.cell(row=9, column=3 + offset, value=text)
        validations = {
            "npd": DataValidation(type="list", formula1='"Yes, No, Default Variables only"', allow_blank=True),
            "linking": DataValidation(type="list", formula1='"Yes"'),
            "other": DataValidation(type="list", formula1='"Yes, No"', allow_blank=True),
        }
        for validation in validations.values():
            sheet.add_data_validation(validation)
        for offset, table in enumerate(self.tables):
            row = 10 + offset
            sheet.cell(row=row, column=3, value=table.dataset)
            sheet.cell(row=row, column=4, value=table.name)
            sheet.cell(row=row, column=5, value=table.description)
            sheet.cell(row=row, column=6, value=table.answer)
            sheet.cell(row=row, column=7, value="Please use the corresponding tab to request which variables")
            if self.include_justification_column:
                sheet.cell(row=row, column=8, value=table.justification)
            kind = table.family if table.family in validations else "other"
            validations[kind].add(f"F{row}")
            self.positions[(table.key, "<summary>", "table")] = f"D{row}"
            self.positions[(table.key, "<summary>", "answer")] = f"F{row}"
            self.positions[(table.key, "<summary>", "justification")] = f"H{row}"

    def _npd_sheet(self, sheet, table: TableSpec) -> None:
        hesa = table.family == "hesa"
        sheet["A1"] = table.title
        row = 3
        if not hesa:
            sheet["A3"] = "'By request' Data items"
        for note in table.notes:
            row += 1
            sheet.cell(row=row, column=1, value=note or None)
        row += 2 + self.title_rows
        if hesa:
            columns = HESA_COLUMNS
        elif table.untidy:
            columns = UNTIDY_NPD_COLUMNS + UNTIDY_NPD_ANSWER_COLUMNS
        else:
            columns = NPD_COLUMNS + NPD_ANSWER_COLUMNS
        if table.key not in self.without_header:
            self._header(sheet, row, 1, columns)
        if not hesa:
            row += 1
            sheet.cell(row=row, column=1, value=f"{table.title} Pupil Table")
        answer_column = len(columns) - 1
        for variable in table.by_request:
            row += 1
            values = self._npd_values(variable, hesa)
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=value)
            sheet.cell(row=row, column=answer_column, value=variable.answer)
            sheet.cell(row=row, column=answer_column + 1, value=variable.years)
            self._remember(table, variable, row, 2 if hesa else 1, answer_column)
        if table.defaults:
            row += 3
            sheet.cell(row=row, column=1, value=table.title)
            sheet.cell(row=row + 2, column=1, value=DEFAULT_HEADING)
            sheet.cell(row=row + 3, column=1, value="(Old Tier 4 = Identifiability 3 or 5, and Sensitivity E)")
            row += 5
            self._header(sheet, row, 1, (UNTIDY_NPD_COLUMNS if table.untidy else NPD_COLUMNS))
            for variable in table.defaults:
                row += 1
                for column, value in enumerate(self._npd_values(variable, hesa), start=1):
                    sheet.cell(row=row, column=column, value=value)

    @staticmethod
    def _npd_values(variable: Var, hesa: bool) -> list:
        if hesa:
            return [
                "",
                variable.alias,
                variable.field_reference,
                variable.description,
                variable.years_populated,
                "",
                variable.risk,
                variable.sensitivity,
            ]
        return [
            variable.alias,
            variable.field_reference,
            variable.alias.casefold()[:8],
            "Demographics",
            variable.years_populated,
            variable.description,
            "None",
            variable.ukds,
            variable.risk,
            variable.sensitivity,
        ]

    def _lilr_sheet(self, sheet, table: TableSpec) -> None:
        sheet["A1"] = table.title
        row = 5 + self.title_rows
        if table.key not in self.without_header:
            self._header(sheet, row, 1, LILR_COLUMNS)
        for variable in table.by_request:
            row += 1
            values = [variable.alias, "bigint", "", "NULL", variable.description, variable.years_populated, "na"]
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=value)
            sheet.cell(row=row, column=8, value=variable.answer)
            self._remember(table, variable, row, 1, 8)

    def _ucas_sheet(self, sheet, table: TableSpec) -> None:
        sheet["A2"] = table.title
        sheet["A3"] = "Overview "
        sheet["A6"] = "Table Fields"
        row = 7 + self.title_rows
        self._header(sheet, row, 1, UCAS_COLUMNS)
        for variable in table.by_request:
            row += 1
            for column, value in enumerate([variable.alias, variable.description, "2007/08 to 2020/21"], start=1):
                sheet.cell(row=row, column=column, value=value)

    def _leo_sheet(self, sheet, table: TableSpec) -> None:
        sheet["B1"] = "\n"
        sheet["B5"] = table.title
        for row, text in ((6, "Overview"), (7, table.description), (9, "Data Source"), (10, table.source)):
            sheet.cell(row=row, column=2, value=text)
        sheet["B15"] = "What can I do with this table?"
        sheet["B18"] = "Table Fields"
        row = 19 + self.title_rows
        if table.key not in self.without_header:
            self._header(sheet, row, 2, LEO_COLUMNS)
        for variable in table.by_request:
            row += 1
            values = [table.leo_table, variable.alias, "varchar(14)", variable.years_populated, variable.description]
            values += ["", "DWP Lookup Dataset" if variable.alias.casefold() == "edukey" else table.source, ""]
            for column, value in enumerate(values, start=2):
                sheet.cell(row=row, column=column, value=value)

    def _remember(self, table: TableSpec, variable: Var, row: int, alias_column: int, answer_column: int) -> None:
        alias = variable.alias.strip()
        self.positions[(table.key, alias, "alias")] = f"{get_column_letter(alias_column)}{row}"
        self.positions[(table.key, alias, "answer")] = f"{get_column_letter(answer_column)}{row}"
        self.positions[(table.key, alias, "years")] = f"{get_column_letter(answer_column + 1)}{row}"

    @staticmethod
    def _header(sheet, row: int, first_column: int, texts: list[str]) -> None:
        for offset, text in enumerate(texts):
            sheet.cell(row=row, column=first_column + offset, value=text)


def workbook_bytes(rows_by_sheet: dict[str, list[list]]) -> bytes:
    """A plain workbook with the given cells, for files that are not the form at all."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in rows_by_sheet.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
