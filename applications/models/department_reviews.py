"""Each department's decision in department review."""

from django.conf import settings
from django.db import models

from leo_access.roles import Department

from .application import Application


class DepartmentReview(models.Model):
    """One department's decision on one round of department review."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="department_reviews")
    department = models.CharField(max_length=10, choices=Department.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField()
    # Set when an answered query asked for more of this department's data, so it reviews again
    # (applications/rereview.py).
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "department", "opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "department"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_review_per_department",
            )
        ]
        # What each department still has to decide: its work queue.
        indexes = [
            models.Index(
                fields=["department", "application"],
                condition=models.Q(superseded_at__isnull=True, decision="pending"),
                name="pending_department_review",
            )
        ]

    def __str__(self):
        return f"{self.get_department_display()} review of {self.application.reference}: {self.get_decision_display()}"
