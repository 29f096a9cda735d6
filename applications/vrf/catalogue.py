"""The catalogue of a form version: its datasets, tables and variables, extracted from an official (blank or
filled) form. Plain dataclasses, so the Django side can store them however it likes (to_dict / from_dict give a
JSON-ready shape; to_json / from_json the data file a catalogue is shipped as)."""

import functools
import json
from dataclasses import asdict, dataclass

from .findings import Rejected
from .reader import CATALOGUE, read_form
from .safety import Limits, check_workbook
from .tables import DEPARTMENTS, resolve_tables
from .text import alias_key, header_key


@dataclass(frozen=True)
class Dataset:
    code: str  # NPD, LILR, HESA, UCAS, LEO linking, LEO outcomes
    departments: tuple[str, ...]


@dataclass(frozen=True)
class Variable:
    alias: str
    field_reference: str | None
    description: str | None
    years_populated: str | None
    identification_risk: int | None  # 1 (most identifying) to 5
    sensitivity: str | None  # A (most sensitive) to E
    section: str  # by_request, default or included (see form.py)


@dataclass(frozen=True)
class Table:
    dataset: str
    name: str  # as in the Data Tables summary
    sheet: str | None  # the sheet's name exactly, trailing spaces and all
    department: str  # dfe, hmrc, dwp or ons
    family: str | None  # npd, lilr, hesa, ucas, linking or outcome
    description: str | None
    title: str | None
    variables: tuple[Variable, ...]

    @functools.cached_property
    def alias_keys(self) -> frozenset[str]:
        return frozenset(alias_key(variable.alias) for variable in self.variables)


@dataclass(frozen=True)
class Catalogue:
    form_version: str
    datasets: tuple[Dataset, ...]
    tables: tuple[Table, ...]
    form_date: str | None = None
    overview: str | None = None  # the Overview sheet's text
    covid_impact: tuple[tuple[str, ...], ...] = ()  # the COVID19 Impact sheet's rows, as text

    def table_for(self, sheet: str | None = None, name: str | None = None) -> Table | None:
        """The catalogue table for a sheet of an uploaded form, or failing that for its summary name."""
        if sheet is not None:
            found = self._by_sheet.get(sheet) or self._by_sheet_key.get(header_key(sheet))
            if found is not None:
                return found
        if name is not None:
            return self._by_name_key.get(header_key(name))
        return None

    @functools.cached_property
    def _by_sheet(self) -> dict[str, Table]:
        return {table.sheet: table for table in self.tables if table.sheet is not None}

    @functools.cached_property
    def _by_sheet_key(self) -> dict[str, Table]:
        return {header_key(table.sheet): table for table in self.tables if table.sheet is not None}

    @functools.cached_property
    def _by_name_key(self) -> dict[str, Table]:
        return {header_key(table.name): table for table in self.tables}

    def to_dict(self) -> dict:
        return {
            "form_version": self.form_version,
            "form_date": self.form_date,
            "overview": self.overview,
            "covid_impact": [list(row) for row in self.covid_impact],
            "datasets": [asdict(dataset) for dataset in self.datasets],
            "tables": [asdict(table) for table in self.tables],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Catalogue":
        return cls(
            form_version=data["form_version"],
            form_date=data.get("form_date"),
            overview=data.get("overview"),
            covid_impact=tuple(tuple(row) for row in data.get("covid_impact") or ()),
            datasets=tuple(
                Dataset(code=item["code"], departments=tuple(item["departments"])) for item in data["datasets"]
            ),
            tables=tuple(
                Table(
                    **{key: value for key, value in item.items() if key != "variables"},
                    variables=tuple(Variable(**variable) for variable in item["variables"]),
                )
                for item in data["tables"]
            ),
        )

    def to_json(self) -> str:
        # One key per line, so that regenerating the file from a new issue of the form gives a readable diff.
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> "Catalogue":
        """A catalogue from its data file; raises CatalogueError when the text is not one."""
        try:
            return cls.from_dict(json.loads(text))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise CatalogueError(f"The file is not a catalogue written by to_json ({type(error).__name__}).") from error


class CatalogueError(ValueError):
    """The file cannot give a catalogue; the message says why in words fit for an administrator."""


def extract_catalogue(data: bytes, *, max_bytes: int = Limits.max_bytes) -> Catalogue:
    """Extract the catalogue from an official form (blank or filled in; the answers are ignored)."""
    try:
        check_workbook(data, Limits(max_bytes=max_bytes))
        form = read_form(data, mode=CATALOGUE)
    except Rejected as rejected:
        raise CatalogueError(rejected.finding.message) from rejected
    except Exception as error:
        raise CatalogueError(f"The workbook could not be read ({type(error).__name__}).") from error
    if form.summary is None or not form.summary.rows:
        raise CatalogueError("The workbook has no Data Tables sheet listing the tables, so it is not the form.")
    if not form.front_cover.version:
        raise CatalogueError("The form's version (e.g. 'Version 2.3' on the Front Cover) could not be found.")
    tables = []
    for resolved in resolve_tables(form.summary.rows, form.table_sheets):
        sheet = resolved.sheet
        tables.append(
            Table(
                dataset=resolved.dataset,
                name=resolved.name,
                sheet=sheet.name if sheet else None,
                department=resolved.department,
                family=resolved.family,
                description=resolved.row.description if resolved.row else None,
                title=sheet.title if sheet else None,
                variables=tuple(
                    Variable(
                        alias=item.alias,
                        field_reference=item.field_reference,
                        description=item.description,
                        years_populated=item.years_populated,
                        identification_risk=item.identification_risk,
                        sensitivity=item.sensitivity,
                        section=item.section,
                    )
                    for item in (sheet.items if sheet else [])
                ),
            )
        )
    datasets: dict[str, set[str]] = {}
    for table in tables:
        datasets.setdefault(table.dataset, set()).add(table.department)
    return Catalogue(
        form_version=form.front_cover.version,
        form_date=form.front_cover.date,
        overview=form.overview,
        covid_impact=tuple(tuple(row) for row in form.covid_impact),
        datasets=tuple(
            Dataset(code=code, departments=tuple(department for department in DEPARTMENTS if department in found))
            for code, found in datasets.items()
        ),
        tables=tuple(tables),
    )
