from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from applications.vrf import CatalogueError, extract_catalogue
from applications.vrf_catalogue import import_catalogue


class Command(BaseCommand):
    help = "Build the catalogue of datasets, tables and variables from an official Variable Request Form."

    def add_arguments(self, parser):
        parser.add_argument("path", help="An official blank or filled-in Variable Request Form (.xlsx).")
        parser.add_argument(
            "--write-json",
            metavar="OUTPUT",
            help=(
                "Write the form's catalogue to OUTPUT as JSON instead of importing it: the form's own datasets, "
                "tables, variables and prose, never the answers of a filled-in copy (this is how the demo's "
                "catalogue data file is made)."
            ),
        )

    def handle(self, *args, path, write_json=None, **options):
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {source}: {error.strerror}.") from error
        try:
            if write_json:
                self._write_json(extract_catalogue(data), Path(write_json))
                return
            outcome = import_catalogue(data=data, source_name=source.name)
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        verb = "Imported" if outcome.created else "Already imported; nothing changed:"
        self.stdout.write(
            f"{verb} form version {outcome.catalogue.form_version}: "
            f"{outcome.tables} tables, {outcome.variables} variables."
        )

    def _write_json(self, catalogue, output: Path) -> None:
        try:
            output.write_text(catalogue.to_json(), encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        variables = sum(len(table.variables) for table in catalogue.tables)
        self.stdout.write(
            f"Wrote form version {catalogue.form_version} to {output}: "
            f"{len(catalogue.tables)} tables, {variables} variables."
        )
