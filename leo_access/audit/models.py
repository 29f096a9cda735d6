from django.conf import settings
from django.db import models

from ..hash_chain import ChainedLog


class AuditKind(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset"
    SECOND_FACTOR_ADDED = "mfa_added", "Second factor added"
    SECOND_FACTOR_REMOVED = "mfa_removed", "Second factor removed"
    APPLICATION_OPENED = "application_opened", "Application opened by staff"
    FILE_DOWNLOADED = "file_downloaded", "File downloaded"
    FILE_UNAVAILABLE = "file_unavailable", "Stored file missing or changed"
    PERMISSION_CHANGED = "permission_changed", "Permissions changed"
    ADMIN_CHANGE = "admin_change", "Change in the admin site"
    AUDIT_EXPORTED = "audit_exported", "Audit log exported"
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    API_TOKEN_USED = "api_token_used", "API token used"
    PERSONAL_DATA_EXPORTED = "personal_data_exported", "Personal data exported"


class AuditEvent(ChainedLog):
    """One security-relevant thing that happened. Append-only; on PostgreSQL a trigger refuses changes, and each
    entry carries the hash of the one before it (leo_access/hash_chain.py).

    The actor's e-mail address and the application's reference are copied, so an entry still reads
    correctly if the account or application changes later.
    """

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=30, choices=AuditKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    application_id = models.UUIDField(null=True, blank=True)
    application_reference = models.CharField(max_length=20, blank=True)
    summary = models.CharField(max_length=500)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    append_only_name = "The audit log"
    chain_fields = (
        "at",
        "kind",
        "actor",
        "actor_email",
        "application_id",
        "application_reference",
        "summary",
        "ip_address",
        "data",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["application_id", "at"]),
            models.Index(fields=["kind", "at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.actor_email}"
