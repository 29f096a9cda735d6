from django.conf import settings
from django.db import models

from leo_access.teams import Team


class Message(models.Model):
    """One message to one recipient: recorded first, then e-mailed by a worker, and shown in-app.

    `key` is the idempotency key (the event or reminder period, the template and the recipient):
    recording the same message twice finds the first row instead.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        HELD = "held", "Held for the daily digest"
        IN_DIGEST = "in_digest", "Sent in a daily digest"
        FAILED = "failed", "Given up"

    key = models.CharField(max_length=255, unique=True)
    recipient = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    template = models.CharField(max_length=50)
    context = models.JSONField(default=dict)
    subject = models.CharField(max_length=250)
    url = models.CharField(max_length=500)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["state", "created_at"]),
        ]

    def __str__(self):
        return f"{self.template} to {self.recipient} ({self.get_state_display()})"


class ReminderRun(models.Model):
    """That a reminder ran for a subject in a period, so a second beat in the same period does nothing."""

    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=100)
    period = models.CharField(max_length=100)
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ran_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "period"], name="one_reminder_per_period"),
        ]

    def __str__(self):
        return f"{self.kind} {self.subject} {self.period}"


class Preference(models.Model):
    """How a person wants to hear about work arriving in their queue."""

    class QueueArrivals(models.TextChoices):
        IMMEDIATE = "immediate", "An e-mail for each application, straight away"
        DIGEST = "digest", "One e-mail a day listing them"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    queue_arrivals = models.CharField(max_length=20, choices=QueueArrivals.choices, default=QueueArrivals.IMMEDIATE)

    def __str__(self):
        return f"{self.user}: {self.get_queue_arrivals_display()}"


class TeamSetting(models.Model):
    """How a staff team hears about arrivals: at a shared address or each member; and who leads it."""

    class Delivery(models.TextChoices):
        MEMBERS = "members", "Each member of the team"
        ADDRESS = "address", "The team's shared address"

    team = models.CharField(max_length=20, choices=Team.choices, unique=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.MEMBERS)
    address = models.EmailField(blank=True, help_text="Used when the team prefers its shared address.")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Also reminded when the team's work is overdue.",
    )

    def __str__(self):
        return f"{self.get_team_display()}: {self.get_delivery_display()}"

    @property
    def uses_address(self) -> bool:
        return self.delivery == self.Delivery.ADDRESS and bool(self.address)
