"""What the worker works out for the tracking pages: exports too large to build during a request, the stored
stage times, and the dashboard itself."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver


class Export(models.Model):
    class Kind(models.TextChoices):
        APPLICATIONS = "applications", "Applications"
        REGISTER = "register", "Project register"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Deleted"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    format = models.CharField(max_length=10, choices=Format.choices)
    # The validated filter values, so the worker rebuilds exactly the list the person saw.
    filters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.get_kind_display()} export ({self.format}), {self.get_status_display().lower()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.rows_written * 100 // self.total_rows)

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def filename(self) -> str:
        stamp = self.requested_at.strftime("%Y%m%d-%H%M") if self.requested_at else "export"
        return f"leo-{self.kind}-{stamp}.{self.format}"


class DashboardSnapshot(models.Model):
    """The dashboard for one period, as the worker last worked it out: its tables rendered and its charts drawn.

    Pages only read it. The default period (the last twelve months) is worked out again every minute by beat;
    another period when a page first asks for it, and again when a page finds it older than
    TRACKING_DASHBOARD_CACHE_SECONDS.
    """

    period_start = models.DateField()
    period_end = models.DateField()
    computed_at = models.DateTimeField()
    now_html = models.TextField()
    period_html = models.TextField()
    funnel_svg = models.TextField()
    throughput_svg = models.TextField()
    stage_days_svg = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period_start", "period_end"], name="one_dashboard_per_period")]

    def __str__(self):
        return f"Dashboard {self.period_start} to {self.period_end}, as of {self.computed_at:%Y-%m-%d %H:%M}"


# Event kinds that end a department's part of department review (the stage times read them).
DEPARTMENT_DECISION_KINDS = ("department_approved", "department_rejected")


class StageDuration(models.Model):
    """How long one application took at a stage it has finished: what the dashboard's time in stage is made of.

    Worked out from the application's events (see `services.refresh_stage_times`) whenever they change, so
    the dashboard aggregates these rows instead of replaying the whole event log. Stages are those of
    `selectors.STAGE_TIMES` except end to end, which the application row itself dates.
    """

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20)
    days = models.FloatField()
    finished_at = models.DateTimeField()

    class Meta:
        # Each stage's times in order, with when they finished: the percentiles are read from it without a sort.
        indexes = [models.Index(fields=["stage", "days", "finished_at"], name="stage_duration_order")]

    def __str__(self):
        return f"{self.application_id} {self.stage}: {self.days:.1f} days"


class StageDurationStale(models.Model):
    """An application whose stage times must be worked out again: written with each event that can change them.

    One row per such event, in the event's own transaction, so the marker commits (or vanishes) with it;
    refreshing deletes the rows it has dealt with.
    """

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.application_id} (stage times to work out)"


def changes_stage_times(event) -> bool:
    """A change of state, or a department's decision: what the stage times are made of."""
    return event.from_state != event.to_state or event.kind in DEPARTMENT_DECISION_KINDS


@receiver(post_save, sender="applications.ApplicationEvent", dispatch_uid="tracking.stage_times_stale")
def _event_appended(sender, instance, created, **kwargs):
    # The event log is append-only, so every event arrives here exactly once, inside its own transaction.
    if created and changes_stage_times(instance):
        StageDurationStale.objects.create(application_id=instance.application_id)
