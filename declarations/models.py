import hashlib
import json

from django.conf import settings
from django.db import models

from applications.models import Application


def text_digest(*, version: int, title: str, clauses: list[str]) -> str:
    """SHA-256 of a text in a canonical form, so the same words always give the same hash."""
    canonical = json.dumps({"version": version, "title": title, "clauses": clauses}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class DeclarationText(models.Model):
    """One version of the Individual Declaration's wording: a title and a list of clauses.

    A draft may be edited; once published it never changes, and new wording is a new version.
    """

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200, default="Individual Declaration")
    clauses = models.JSONField(default=list)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self):
        state = "published" if self.published_at else "draft"
        return f"{self.title}, version {self.version} ({state})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = DeclarationText.objects.filter(pk=self.pk, published_at__isnull=False).exists()
            if stored:
                raise PermissionError("A published declaration text never changes; publish a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.published_at:
            raise PermissionError("A published declaration text is kept for ever.")
        return super().delete(*args, **kwargs)

    def computed_sha256(self) -> str:
        return text_digest(version=self.version, title=self.title, clauses=list(self.clauses))


class Declaration(models.Model):
    """A team member's Individual Declaration for an accredited application, and, once signed, the signature.

    Opened as a task for every member when the project is accredited; access is granted
    once every current member has signed.
    """

    class ConfirmedWith(models.TextChoices):
        PASSWORD = "password", "Password"
        TOTP = "totp", "Authenticator app code"
        RECOVERY_CODE = "recovery_code", "Recovery code"
        NONE = "none", "Not confirmed in a browser (recorded by the service)"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="declarations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    text = models.ForeignKey(
        DeclarationText, on_delete=models.PROTECT, null=True, blank=True, related_name="declarations"
    )
    opened_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    accreditation_reference = models.CharField(max_length=100, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The signature's evidence, written once when the member signs.
    text_sha256 = models.CharField(max_length=64, blank=True)
    typed_name = models.CharField(max_length=200, blank=True)
    confirmed_clauses = models.JSONField(default=list, blank=True)
    confirmed_with = models.CharField(max_length=20, choices=ConfirmedWith.choices, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_declaration_per_member",
            )
        ]

    def __str__(self):
        status = "signed" if self.signed_at else "awaiting signature"
        return f"Declaration of {self.member} for {self.application.reference} ({status})"

    @property
    def document_number(self) -> str:
        return f"{self.application.reference}-D{self.pk:05d}"


def _document_path(instance, filename):
    return f"declarations/{instance.declaration.application_id}/{filename}"


class SignedDeclarationDocument(models.Model):
    """The signed PDF of one signature. Written once by the worker; never replaced or deleted."""

    declaration = models.OneToOneField(Declaration, on_delete=models.PROTECT, related_name="document")
    document_number = models.CharField(max_length=40, unique=True)
    file = models.FileField(upload_to=_document_path)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    certificate_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["declaration__application", "document_number"]

    def __str__(self):
        return f"Signed declaration {self.document_number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("A signed declaration document is immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A signed declaration document is kept for ever.")
