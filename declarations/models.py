from django.conf import settings
from django.db import models

from applications.models import Application


class Declaration(models.Model):
    """A team member's Individual Declaration for an accredited application.

    Opened as a task for every member when the project is accredited; access is granted
    once every current member has signed.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="declarations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    opened_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    accreditation_reference = models.CharField(max_length=100, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

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
