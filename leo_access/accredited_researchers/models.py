"""Each import of the register, kept as a version, and the researchers it lists."""

from django.conf import settings
from django.db import models


class RegisterImport(models.Model):
    """One version of the register as imported: when, by whom, from which file (its SHA-256) and how many rows.
    Researchers are checked against the newest version."""

    class Source(models.TextChoices):
        COMMAND = "command", "Command line"
        UPLOAD = "upload", "Uploaded in the service"

    version = models.PositiveIntegerField(unique=True)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        return f"Register version {self.version} ({self.filename}, {self.rows} researchers)"


class RegisterEntry(models.Model):
    register_import = models.ForeignKey(RegisterImport, on_delete=models.CASCADE, related_name="entries")
    # Upper case without spaces (`reading.normalise_number`), as looked up.
    accreditation_number = models.CharField(max_length=100)
    name = models.CharField(max_length=300)
    accreditation_type = models.CharField(max_length=20)
    expiry_date = models.DateField()
    organisation = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["register_import", "accreditation_number"]
        constraints = [
            models.UniqueConstraint(fields=["register_import", "accreditation_number"], name="one_entry_per_number")
        ]

    def __str__(self):
        return f"{self.accreditation_number} {self.name}"
