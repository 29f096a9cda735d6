from django.conf import settings
from django.db import models

from applications.models import Application
from leo_access.teams import Team

from .quorum import quorum_problem


class Assignment(models.Model):
    """Who in a team is working on an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    team = models.CharField(max_length=10, choices=Team.choices)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "team"], name="one_assignee_per_team")]
        indexes = [models.Index(fields=["assignee", "team"])]

    def __str__(self):
        return f"{self.application.reference} ({self.get_team_display()}): {self.assignee}"


class IntakeItem(models.TextChoices):
    ACCREDITATION = "accreditation", "Every member is accredited through the project's end date"
    PUBLIC_BENEFIT = "public_benefit", "The public benefit is stated"
    PUBLICATION = "publication", "Publication of the results is committed"
    VARIABLE_REQUEST_FORM = "variable_request_form", "The Variable Request Form is valid"
    ETHICS = "ethics", "Ethics evidence is present"
    COORDINATOR = "coordinator", "There is exactly one project co-ordinator"


class IntakeCheck(models.Model):
    """One ticked item of the RAS intake checklist, with who ticked it and when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="intake_checks")
    item = models.CharField(max_length=30, choices=IntakeItem.choices)
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ticked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "item"], name="one_tick_per_item")]

    def __str__(self):
        return f"{self.application.reference}: {self.get_item_display()}"


class InternalNote(models.Model):
    """A note between staff. Never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=30)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Note on {self.application.reference} by {self.author}"


class PanelMeeting(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    date = models.DateField()
    members_present = models.TextField(help_text="One member per line.")
    independent_members = models.TextField(help_text="The independent members present, one per line.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"Panel meeting of {self.date:%-d %B %Y}"

    @property
    def members(self) -> list[str]:
        return [line.strip() for line in self.members_present.splitlines() if line.strip()]

    @property
    def independents(self) -> list[str]:
        return [line.strip() for line in self.independent_members.splitlines() if line.strip()]

    @property
    def quorum_problem(self) -> str | None:
        return quorum_problem(self.members, self.independents)


class AgendaItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "Not decided"
        ACCREDITED = "accredited", "Accredited"
        REJECTED = "rejected", "Rejected"
        QUERIED = "queried", "Queried"

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="agenda")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="agenda_items")
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "application"], name="once_per_meeting")]

    def __str__(self):
        return f"{self.application.reference} at {self.meeting}"


from .tracking.models import Export  # noqa: E402,F401
