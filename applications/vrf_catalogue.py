"""The catalogue in the database: importing it from an official form, and what the checks read from it."""

import functools
import hashlib
from dataclasses import dataclass

from django.db import transaction

from . import vrf
from .models import Application, Catalogue, CatalogueDataset, CatalogueTable, CatalogueVariable


@dataclass(frozen=True)
class ImportOutcome:
    catalogue: Catalogue
    created: bool
    tables: int
    variables: int


def import_catalogue(*, data: bytes, source_name: str, demo: bool = False) -> ImportOutcome:
    """Build the catalogue of the form's version. Importing a version already present changes nothing,
    except that an official form replaces a demo catalogue of its version (and so does a demo catalogue from another
    source, such as a newer demo data file).

    Raises `vrf.CatalogueError` with a message for an administrator when the file is not the form.
    """
    return store_catalogue(
        extracted=vrf.extract_catalogue(data),
        source_name=source_name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        demo=demo,
    )


def store_catalogue(*, extracted: vrf.Catalogue, source_name: str, source_sha256: str, demo: bool) -> ImportOutcome:
    """Store a catalogue already extracted from an official form (as `import_catalogue` does, and as the demo does
    with the catalogue it ships as a data file), on the same terms."""
    with transaction.atomic():
        existing = Catalogue.objects.select_for_update().filter(form_version=extracted.form_version).first()
        if existing and existing.is_demo and (not demo or existing.source_sha256 != source_sha256):
            existing.delete()
        elif existing:
            return ImportOutcome(existing, False, existing.tables.count(), _variable_count(existing))
        catalogue = Catalogue.objects.create(
            is_demo=demo,
            form_version=extracted.form_version,
            form_date=extracted.form_date or "",
            overview=extracted.overview or "",
            covid_impact=[list(row) for row in extracted.covid_impact],
            source_name=source_name[-255:],
            source_sha256=source_sha256,
        )
        datasets = {
            dataset.code: CatalogueDataset.objects.create(
                catalogue=catalogue, name=dataset.code, departments=list(dataset.departments), position=position
            )
            for position, dataset in enumerate(extracted.datasets)
        }
        tables = CatalogueTable.objects.bulk_create(
            [
                CatalogueTable(
                    catalogue=catalogue,
                    dataset=datasets[table.dataset],
                    name=table.name,
                    sheet_name=table.sheet or "",
                    title=table.title or "",
                    description=table.description or "",
                    owner=table.department,
                    family=table.family or "",
                    position=position,
                )
                for position, table in enumerate(extracted.tables)
            ]
        )
        CatalogueVariable.objects.bulk_create(
            [
                CatalogueVariable(
                    table=row,
                    alias=variable.alias,
                    field_reference=variable.field_reference or "",
                    description=variable.description or "",
                    years_populated=variable.years_populated or "",
                    identification_risk=variable.identification_risk,
                    sensitivity=variable.sensitivity or "",
                    section=variable.section or "",
                    position=position,
                )
                for row, table in zip(tables, extracted.tables, strict=True)
                for position, variable in enumerate(table.variables)
            ],
            batch_size=2000,
        )
    return ImportOutcome(catalogue, True, len(tables), sum(len(t.variables) for t in extracted.tables))


def _variable_count(catalogue: Catalogue) -> int:
    return CatalogueVariable.objects.filter(table__catalogue=catalogue).count()


def current_catalogue() -> Catalogue | None:
    """The newest form version imported; the template researchers download is made from it."""
    return Catalogue.objects.order_by("-imported_at", "-pk").first()


def catalogue_for_version(version: str) -> vrf.Catalogue | None:
    """The catalogue of one form version, as the validator reads it, or None when none is imported."""
    row = Catalogue.objects.filter(form_version=version).values_list("pk", "imported_at").first()
    return _load(*row) if row else None


@functools.lru_cache(maxsize=8)
def _load(catalogue_id: int, imported_at) -> vrf.Catalogue:
    # An imported version never changes, so its rows can be kept once read.
    catalogue = Catalogue.objects.get(pk=catalogue_id)
    variables: dict[int, list[vrf.Variable]] = {}
    for row in CatalogueVariable.objects.filter(table__catalogue=catalogue).order_by("table_id", "position"):
        variables.setdefault(row.table_id, []).append(
            vrf.Variable(
                alias=row.alias,
                field_reference=row.field_reference or None,
                description=row.description or None,
                years_populated=row.years_populated or None,
                identification_risk=row.identification_risk,
                sensitivity=row.sensitivity or None,
                section=row.section,
            )
        )
    return vrf.Catalogue(
        form_version=catalogue.form_version,
        form_date=catalogue.form_date or None,
        overview=catalogue.overview or None,
        covid_impact=tuple(tuple(row) for row in catalogue.covid_impact),
        datasets=tuple(
            vrf.Dataset(code=d.name, departments=tuple(d.departments)) for d in catalogue.datasets.order_by("position")
        ),
        tables=tuple(
            vrf.Table(
                dataset=table.dataset.name,
                name=table.name,
                sheet=table.sheet_name or None,
                department=table.owner,
                family=table.family or None,
                description=table.description or None,
                title=table.title or None,
                variables=tuple(variables.get(table.pk, [])),
            )
            for table in catalogue.tables.select_related("dataset").order_by("position")
        ),
    )


def template_for(application: Application) -> bytes | None:
    """A blank form from the newest catalogue, with the application's reference filled in."""
    catalogue = current_catalogue()
    if catalogue is None:
        return None
    return vrf.write_template(
        catalogue_for_version(catalogue.form_version),
        reference=application.reference,
        form_version=catalogue.form_version,
    )
