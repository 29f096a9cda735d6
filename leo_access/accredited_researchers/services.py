"""Importing a version of the register."""

import hashlib

from django.db import transaction
from django.utils import timezone

from ..actors import SYSTEM
from ..permissions import has_permission
from .models import RegisterEntry, RegisterImport
from .reading import read_register


class NotAllowed(PermissionError):
    """The person may not import the register."""


def import_register(
    *, content: bytes, filename: str, by, source: str = RegisterImport.Source.UPLOAD
) -> tuple[RegisterImport, bool]:
    """Store the file's researchers as the newest version; returns (version, created). The same file as the newest
    version adds nothing. A file that cannot be read raises `reading.RegisterFileError` and stores nothing."""
    if not has_permission(by, "register.import"):
        raise NotAllowed("Only admins may import the register of accredited researchers.")
    digest = hashlib.sha256(content).hexdigest()
    rows = read_register(content, filename)
    with transaction.atomic():
        # Versions are numbered in order: a concurrent import waits for this one.
        latest = RegisterImport.objects.select_for_update().order_by("-version").first()
        if latest is not None and latest.sha256 == digest:
            return latest, False
        version = RegisterImport.objects.create(
            version=(latest.version if latest else 0) + 1,
            imported_at=timezone.now(),
            imported_by=None if by is SYSTEM else by,
            source=source,
            filename=filename[-255:],
            sha256=digest,
            rows=len(rows),
        )
        RegisterEntry.objects.bulk_create(
            [
                RegisterEntry(
                    register_import=version,
                    accreditation_number=row.number[:100],
                    name=row.name[:300],
                    accreditation_type=row.accreditation_type,
                    expiry_date=row.expiry,
                    organisation=row.organisation[:300],
                )
                for row in rows
            ],
            batch_size=2000,
        )
    return version, True
