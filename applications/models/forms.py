"""Uploaded Variable Request Forms, every version kept."""

from django.conf import settings
from django.db import models

from .application import Application


class VariableRequestForm(models.Model):
    """One uploaded version of an application's Variable Request Form. Never overwritten."""

    class Validation(models.TextChoices):
        PENDING = "pending", "Waiting to be checked"
        RUNNING = "running", "Being checked"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Has errors"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="variable_request_forms")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to="variable-request-forms/%Y/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    validation_status = models.CharField(max_length=20, choices=Validation.choices, default=Validation.PENDING)
    validation_started_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    # A form uploaded with an amendment to a live project is the amendment's until it is approved: the project
    # keeps using its approved form meanwhile (`selectors.current_form` passes over a proposed one).
    amendment = models.ForeignKey(
        "applications.Amendment", on_delete=models.PROTECT, null=True, blank=True, related_name="forms"
    )
    proposed = models.BooleanField(default=False)

    class Meta:
        ordering = ["application", "-version"]
        constraints = [models.UniqueConstraint(fields=["application", "version"], name="one_vrf_per_version")]
        # The few forms waiting to be checked, counted at every metrics scrape, among all those ever checked.
        indexes = [
            models.Index(
                fields=["validation_status"],
                condition=models.Q(validation_status__in=["pending", "running"]),
                name="forms_waiting",
            )
        ]

    def __str__(self):
        return f"{self.application.reference} form v{self.version}"
