from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from applications.vrf import CatalogueError
from applications.vrf_catalogue import import_catalogue


class Command(BaseCommand):
    help = "Build the catalogue of datasets, tables and variables from an official Variable Request Form."

    def add_arguments(self, parser):
        parser.add_argument("path", help="An official blank or filled-in Variable Request Form (.xlsx).")

    def handle(self, *args, path, **options):
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {source}: {error.strerror}.") from error
        try:
            outcome = import_catalogue(data=data, source_name=source.name)
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        verb = "Imported" if outcome.created else "Already imported; nothing changed:"
        self.stdout.write(
            f"{verb} form version {outcome.catalogue.form_version}: "
            f"{outcome.tables} tables, {outcome.variables} variables."
        )
