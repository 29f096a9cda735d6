"""Copy every stored file from MEDIA_ROOT on disk to the object store, checking each copy's SHA-256.

Run once when moving an installation to a bucket (README.md, "Object storage"): with AWS_STORAGE_BUCKET_NAME and
the other AWS_* settings set, and MEDIA_ROOT still pointing at the old files. Safe to run again: a file already in
the bucket with the same content is left alone. Files on disk are not deleted.
"""

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from leo_access.files import STORAGE_ERRORS, stored_sha256


def stored_names():
    """(model label, field name, file name) of every file any model refers to."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            names = (
                model._default_manager.exclude(**{field.name: ""})
                .exclude(**{f"{field.name}__isnull": True})
                .values_list(field.name, flat=True)
                .distinct()
                .order_by()
            )
            for name in names.iterator():
                yield model._meta.label, field.name, name


class Command(BaseCommand):
    help = "Copy the files under MEDIA_ROOT to the object store (AWS_STORAGE_BUCKET_NAME), verifying each SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be copied; copy nothing.")

    def handle(self, *args, dry_run=False, **options):
        if not settings.AWS_STORAGE_BUCKET_NAME:
            raise CommandError("Set AWS_STORAGE_BUCKET_NAME (and the other AWS_* settings) to the bucket to copy to.")
        source = FileSystemStorage(location=settings.MEDIA_ROOT)
        counts = {"copied": 0, "already there": 0, "missing on disk": 0, "failed": 0}
        for label, field, name in stored_names():
            outcome = self._move(source, name, dry_run=dry_run)
            counts[outcome] += 1
            if outcome in ("missing on disk", "failed"):
                self.stderr.write(f"{label}.{field}: {name}: {outcome}")
            elif options["verbosity"] > 1:
                self.stdout.write(f"{label}.{field}: {name}: {outcome}")
        summary = ", ".join(f"{what} {count}" for what, count in counts.items())
        if counts["missing on disk"] or counts["failed"]:
            raise CommandError(f"Not every file was copied: {summary}.")
        self.stdout.write(("Would copy: " if dry_run else "Done: ") + summary + ".")

    def _move(self, source, name: str, *, dry_run: bool) -> str:
        if not source.exists(name):
            return "missing on disk"
        expected = stored_sha256(name, source)
        try:
            if default_storage.exists(name):
                if stored_sha256(name, default_storage) == expected:
                    return "already there"
                if dry_run:
                    return "copied"
                default_storage.delete(name)  # a partial or different copy: replaced by the file on disk
            elif dry_run:
                return "copied"
            with source.open(name, "rb") as handle:
                saved = default_storage.save(name, handle)
            if saved != name or stored_sha256(saved, default_storage) != expected:
                return "failed"
        except STORAGE_ERRORS:
            return "failed"
        return "copied"
