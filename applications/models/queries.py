"""Queries sent back to the applicant."""

from django.conf import settings
from django.db import models

from leo_access.roles import Department

from ..states import State
from .application import Application


class Query(models.Model):
    """Questions sent back to the applicant at a stage, and the co-ordinator's answers."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="queries")
    stage = models.CharField(max_length=30, choices=State.choices)
    questions = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_by_role = models.CharField(max_length=30)
    # At department review, the department that asked: only it waits for the answer; the others go on deciding.
    department = models.CharField(max_length=10, choices=Department.choices, blank=True)
    raised_at = models.DateTimeField()
    # The data request as it stood when the query was raised (the current form's SHA-256).
    data_fingerprint = models.CharField(max_length=64, blank=True)
    # How long the stage had held the application when it asked: its clock resumes from there once answered.
    # Empty only for a query raised before an application had a stage clock; its stage's clock then restarts.
    time_at_stage = models.DurationField(null=True, blank=True)
    answers = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name_plural = "queries"

    def __str__(self):
        return f"Query on {self.application.reference} at {self.get_stage_display()}"
