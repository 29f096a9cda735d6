"""Each member's access to the data of a granted project.

`access_granted` on the application means the project is live; who may actually use the data is the set of its
active access records. A record is opened for every accepted member when access is granted, may be suspended and
reinstated while the project lives, and ends when the member leaves the team or the project closes. It is never
deleted: the Secure Research Service provisions accounts from these rows.
"""

from django.conf import settings
from django.db import models

from .application import Application
from .team import TeamMember


class MemberAccess(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ENDED = "ended", "Ended"

    class Cause(models.TextChoices):
        MANUAL = "manual", "Suspended by staff"
        ACCREDITATION = "accreditation", "The member's accreditation lapsed"
        SUPERVISOR = "supervisor", "The supervisor's accreditation lapsed"
        REGISTER = "register", "Not confirmed by the accredited-researcher register"

    class EndReason(models.TextChoices):
        REMOVED = "removed", "Removed from the team"
        PROJECT_CLOSED = "project_closed", "Project closed"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="member_access")
    member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="access_records")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_access")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    granted_at = models.DateTimeField()
    valid_from = models.DateField()
    # The last day of access: the project's end date (applications.service_levels.project_ends_on).
    valid_until = models.DateField(null=True, blank=True)

    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suspension_cause = models.CharField(max_length=20, choices=Cause.choices, blank=True)
    suspension_reason = models.TextField(blank=True)

    reinstated_at = models.DateTimeField(null=True, blank=True)
    reinstated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reinstatement_reason = models.TextField(blank=True)

    # The day the nightly check first found the member missing from the register (or expired on it); they are
    # suspended once REGISTER_WARNING_DAYS have passed without it being put right.
    register_warned_on = models.DateField(null=True, blank=True)

    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "granted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "user"],
                condition=~models.Q(status="ended"),
                name="one_open_access_per_member",
            )
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="member_access_status_until")]
        verbose_name = "member's access"
        verbose_name_plural = "members' access"

    def __str__(self):
        return f"{self.user} on {self.application_id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ENDED


class AccessCheckRun(models.Model):
    """One run of the nightly check of every active member's accreditation, and what it did."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    checked = models.PositiveIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    warned = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Access check at {self.started_at:%Y-%m-%d %H:%M}: {self.suspended} suspended"
