"""manage.py import_accredited_researchers PATH [--by EMAIL]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leo_access.accredited_researchers.models import RegisterImport
from leo_access.accredited_researchers.reading import RegisterFileError
from leo_access.accredited_researchers.services import NotAllowed, import_register
from leo_access.actors import SYSTEM
from leo_access.models import User


class Command(BaseCommand):
    help = (
        "Import the UK Statistics Authority's register of accredited researchers (xlsx or csv) as a new version; "
        "every researcher's stated accreditation is then checked against it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--by", help="the e-mail address of the admin importing it (recorded with the version)")

    def handle(self, *args, path: Path, by: str | None = None, **options):
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        person = SYSTEM
        if by:
            person = User.objects.filter(email__iexact=by, is_active=True).first()
            if person is None:
                raise CommandError(f"No active account has the e-mail address {by}.")
        try:
            version, created = import_register(
                content=path.read_bytes(), filename=path.name, by=person, source=RegisterImport.Source.COMMAND
            )
        except RegisterFileError as error:
            raise CommandError(f"{path.name}: {error}") from None
        except NotAllowed as error:
            raise CommandError(str(error)) from None
        if created:
            self.stdout.write(
                f"Imported version {version.version}: {version.rows} researchers (SHA-256 {version.sha256})."
            )
        else:
            self.stdout.write(f"This file is already version {version.version}; nothing changed.")
