"""Conditions an approving party attaches to a project, each tracked until it is met or waived."""

from django.conf import settings
from django.db import models

from leo_access.teams import Team

from .application import Application
from .team import TeamMember


class ApprovalCondition(models.Model):
    class Timing(models.TextChoices):
        BEFORE_ACCESS = "before_access", "Before access is granted"
        DURING_PROJECT = "during_project", "During the project"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        EVIDENCE_SUBMITTED = "evidence_submitted", "Evidence submitted"
        MET = "met", "Met"
        WAIVED = "waived", "Waived"

    class Owner(models.TextChoices):
        COORDINATOR = "coordinator", "The project co-ordinator"
        MEMBER = "member", "A named team member"
        TEAM = "team", "A staff team"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="conditions")
    text = models.TextField()
    timing = models.CharField(max_length=20, choices=Timing.choices)
    owner = models.CharField(max_length=20, choices=Owner.choices, default=Owner.COORDINATOR)
    owner_member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    owner_team = models.CharField(max_length=20, choices=Team.choices, blank=True)
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    # Who set it, and the team that signs it off ("" when an admin set it: admins sign it off).
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_by_team = models.CharField(max_length=20, choices=Team.choices, blank=True)
    set_at = models.DateTimeField()
    evidence = models.TextField(blank=True)
    evidence_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence_at = models.DateTimeField(null=True, blank=True)
    # A document sent as evidence, kept with its SHA-256 so that what is downloaded is what was sent.
    evidence_file = models.FileField(upload_to="condition-evidence/%Y/", blank=True)
    evidence_file_name = models.CharField(max_length=255, blank=True)
    evidence_file_size = models.PositiveIntegerField(null=True, blank=True)
    evidence_file_sha256 = models.CharField(max_length=64, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "set_at", "id"]
        indexes = [models.Index(fields=["application", "state"], name="condition_application_state")]

    def __str__(self):
        return f"Condition {self.pk} on {self.application_id} ({self.get_state_display()})"

    @property
    def is_settled(self) -> bool:
        return self.state in (self.State.MET, self.State.WAIVED)

    def is_overdue(self, today) -> bool:
        return not self.is_settled and self.due_date is not None and self.due_date < today

    def owner_label(self) -> str:
        if self.owner == self.Owner.MEMBER and self.owner_member_id:
            return self.owner_member.email
        if self.owner == self.Owner.TEAM and self.owner_team:
            return Team(self.owner_team).label
        return self.get_owner_display()
