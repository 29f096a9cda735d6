import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django_fsm import GET_STATE, FSMField, FSMModelMixin, transition

from leo_access.append_only import AppendOnlyModel
from leo_access.roles import Department

from .states import OPEN_STATES, QUERYABLE_STATES, State


def _may(action):
    """A transition's permission: the one permission table decides."""

    def check(instance, user):
        from leo_access.permissions import has_permission

        return has_permission(user, action, instance)

    check.action = action
    return check


def _return_to_querying_stage(instance, *args, **kwargs):
    return instance.queried_from


def _at_department_review(instance) -> bool:
    """At department review, or queried from it: a department decides while another department's query is out."""
    return instance.state == State.DEPARTMENT_REVIEW or instance.queried_from == State.DEPARTMENT_REVIEW


def queue_stage():
    """The stage whose queue holds an application: its state, or the stage that queried it while it is queried.

    Indexed (see `Application.Meta`); queries must use this same expression for the index to serve them.
    """
    return models.Case(
        models.When(state=State.QUERIED, then=models.F("queried_from")),
        default=models.F("state"),
        output_field=models.CharField(),
    )


# The orders a queue is sorted in (each also backwards), with the columns its rows show.
QUEUE_ORDERS = {
    "order": ("stage_entered_at", "id", "state", "queried_from", "reference", "title"),
    "title": ("title", "id", "state", "queried_from", "stage_entered_at", "reference"),
    "reference": ("reference", "id", "state", "queried_from", "stage_entered_at", "title"),
}


def department_queue(department) -> models.Q:
    """At department review, or queried from it, with this department still to decide.

    Both a partial index's condition and the queue's filter: PostgreSQL uses the index only for a query that
    has the condition written the same way.
    """
    return models.Q(awaiting_departments__contains=joined([department])) & (
        models.Q(state=State.DEPARTMENT_REVIEW) | models.Q(state=State.QUERIED, queried_from=State.DEPARTMENT_REVIEW)
    )


def joined(values) -> str:
    """Names kept in one column, each between bars (`|HESA|NPD|`), so `contains="|NPD|"` finds one exactly."""
    names = sorted({str(value).replace("|", "/") for value in values})
    return f"|{'|'.join(names)}|" if names else ""


def split(value: str) -> list[str]:
    return [name for name in (value or "").split("|") if name]


class ReferenceCounter(models.Model):
    """The last reference number issued in a year (LEO-2026-0042)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class Application(FSMModelMixin, models.Model):
    """An application for access to LEO: its answers and where it stands.

    `state` changes only through the transitions below, called by the services in
    `applications.lifecycle`, `reviews.services` and `declarations.services`.
    Transition methods set fields and nothing else.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, editable=False)
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Project details
    title = models.CharField(max_length=250)
    lay_summary = models.TextField(blank=True)
    abstract = models.TextField(blank=True)
    research_questions = models.TextField(blank=True)
    methodology = models.TextField(blank=True)
    software = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    funder = models.CharField(max_length=250, blank=True)

    # Public benefit
    public_benefit_categories = models.JSONField(default=list, blank=True)
    public_benefit_statement = models.TextField(blank=True)
    dissemination_plan = models.TextField(blank=True)
    publication_committed = models.BooleanField(default=False)

    # Ethics
    ethics_route = models.CharField(
        max_length=20,
        blank=True,
        choices=[("self_assessment", "UKSA ethics self-assessment"), ("committee", "Another ethics committee")],
    )
    ethics_self_assessment = models.JSONField(default=dict, blank=True)
    ethics_committee_name = models.CharField(max_length=250, blank=True)
    ethics_committee_reference = models.CharField(max_length=100, blank=True)
    ethics_approval_date = models.DateField(null=True, blank=True)
    ethics_approval_letter = models.FileField(upload_to="ethics-letters/%Y/", blank=True)

    # Access and safeguards
    access_location = models.CharField(
        max_length=20,
        blank=True,
        choices=[
            ("ons_safe_setting", "An ONS safe setting"),
            ("aoc_organisation", "An organisation with an Assured Organisational Connectivity agreement"),
        ],
    )
    aoc_organisation = models.CharField(max_length=250, blank=True)
    output_checking = models.TextField(blank=True)

    # Lifecycle records, set only by transitions
    stage_entered_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    queried_from = models.CharField(max_length=30, blank=True, choices=State.choices)
    rejected_at_stage = models.CharField(max_length=30, blank=True, choices=State.choices)
    decided_at = models.DateTimeField(null=True, blank=True)
    accredited_at = models.DateTimeField(null=True, blank=True)
    accreditation_ends_on = models.DateField(null=True, blank=True)
    panel_meeting_date = models.DateField(null=True, blank=True)
    panel_members_present = models.TextField(blank=True)
    panel_conditions = models.TextField(blank=True)
    access_granted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Kept for the queues, which filter and count on them from an index alone (`joined` lists). Written only by
    # the functions that keep them, with an UPDATE of their own: `save()` leaves them alone, so an instance
    # loaded before they changed cannot put an old value back.
    requested_datasets = models.CharField(max_length=500, blank=True, default="", editable=False)
    awaiting_departments = models.CharField(max_length=30, blank=True, default="", editable=False)
    KEPT_BY_UPDATES = ("requested_datasets", "awaiting_departments")

    class Meta:
        ordering = ["-created_at"]
        # Queues select by stage (and the stage that queried) and sort by time at the stage; the id makes the
        # index cover the page query.
        indexes = [
            models.Index(fields=["state", "queried_from", "stage_entered_at", "id"], name="queue_order"),
            # A queue (its stage, queried or not) in each order it can be sorted in. The columns after the order
            # are what the queue's filters and search read, so a queue is counted and paged from an index alone
            # (trailing key columns rather than INCLUDE, which SQLite does not have).
            *(
                models.Index(queue_stage(), *columns, "requested_datasets", name=f"queue_stage_{order}")
                for order, columns in QUEUE_ORDERS.items()
            ),
            # The narrowest, for counting a queue without a search.
            models.Index(queue_stage(), "state", "queried_from", "requested_datasets", "id", name="queue_stage_count"),
            # Each department's queue on its own, in each order: a department that has decided most of what is at
            # department review finds the rest without reading past the others.
            *(
                models.Index(
                    *columns,
                    "requested_datasets",
                    condition=department_queue(department),
                    name=f"{department}_queue_{order}",
                )
                for department in Department
                for order, columns in QUEUE_ORDERS.items()
            ),
            # The tracking dashboard's time from submission to access granted, for those granted in a period.
            models.Index(
                fields=["access_granted_at", "submitted_at"],
                condition=models.Q(submitted_at__isnull=False, access_granted_at__isnull=False),
                name="end_to_end_time",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None and not self._state.adding:
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.attname not in self.KEPT_BY_UPDATES
            ]
        super().save(*args, **kwargs)

    @property
    def requested_dataset_names(self) -> list[str]:
        return split(self.requested_datasets)

    # Who is who ----------------------------------------------------------------------

    def current_members(self):
        return self.team_members.filter(status=TeamMember.Status.ACCEPTED)

    def is_member(self, user) -> bool:
        if not getattr(user, "pk", None):
            return False
        return self.team_members.filter(user=user, status=TeamMember.Status.ACCEPTED).exists()

    def is_coordinator(self, user) -> bool:
        if not getattr(user, "pk", None):
            return False
        return self.team_members.filter(
            user=user, status=TeamMember.Status.ACCEPTED, role=TeamMember.Role.COORDINATOR
        ).exists()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # Transitions -------------------------------------------------------------------

    @transition(field=state, source=State.DRAFT, target=State.RAS_CHECK, permission=_may("application.submit"))
    def submit(self, *, at):
        self.submitted_at = at
        self.stage_entered_at = at

    @transition(field=state, source=QUERYABLE_STATES, target=State.QUERIED, permission=_may("application.query"))
    def query(self, *, at):
        self.queried_from = self.state
        self.stage_entered_at = at

    @transition(
        field=state,
        source=State.QUERIED,
        target=GET_STATE(_return_to_querying_stage, states=QUERYABLE_STATES),
        permission=_may("application.resubmit"),
    )
    def resubmit(self, *, at, time_at_stage: timedelta | None = None):
        # The stage's clock resumes where the query stopped it: the time with the applicant does not count.
        self.stage_entered_at = at - (time_at_stage or timedelta(0))

    @transition(
        field=state,
        source=State.RAS_CHECK,
        target=State.DEPARTMENT_REVIEW,
        permission=_may("application.pass_intake"),
    )
    def pass_intake(self, *, at):
        self.stage_entered_at = at

    @transition(
        field=state,
        source=State.DEPARTMENT_REVIEW,
        target=State.PANEL_REVIEW,
        permission=_may("application.decide_department"),
    )
    def complete_department_review(self, *, at):
        self.stage_entered_at = at

    @transition(
        field=state,
        source=[State.DEPARTMENT_REVIEW, State.QUERIED],
        target=State.REJECTED,
        conditions=[_at_department_review],
        permission=_may("application.decide_department"),
    )
    def refuse_at_department_review(self, *, at):
        """A department's rejection, which also holds while another department's query is with the applicant."""
        self.rejected_at_stage = State.DEPARTMENT_REVIEW
        self.decided_at = at
        self.stage_entered_at = at

    # Departments refuse through their own decision (`refuse_at_department_review`), never through this.
    @transition(
        field=state,
        source=[State.RAS_CHECK, State.PANEL_REVIEW],
        target=State.REJECTED,
        permission=_may("application.reject"),
    )
    def reject(self, *, at):
        self.rejected_at_stage = self.state
        self.decided_at = at
        self.stage_entered_at = at

    @transition(
        field=state, source=State.PANEL_REVIEW, target=State.ACCREDITED, permission=_may("application.accredit")
    )
    def accredit(self, *, at, meeting_date, members_present, conditions, ends_on):
        self.decided_at = at
        self.accredited_at = at
        self.stage_entered_at = at
        self.panel_meeting_date = meeting_date
        self.panel_members_present = members_present
        self.panel_conditions = conditions
        self.accreditation_ends_on = ends_on

    @transition(
        field=state,
        source=State.ACCREDITED,
        target=State.ACCESS_GRANTED,
        permission=_may("application.grant_access"),
    )
    def grant_access(self, *, at):
        self.access_granted_at = at
        self.stage_entered_at = at

    @transition(field=state, source=OPEN_STATES, target=State.WITHDRAWN, permission=_may("application.withdraw"))
    def withdraw(self, *, at):
        self.withdrawn_at = at
        self.stage_entered_at = at

    @transition(field=state, source=State.ACCESS_GRANTED, target=State.CLOSED, permission=_may("application.close"))
    def close(self, *, at):
        self.closed_at = at
        self.stage_entered_at = at


class TeamMember(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "Project co-ordinator"
        MEMBER = "member", "Researcher"

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        REMOVED = "removed", "Removed"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "email"],
                condition=~models.Q(status="removed") & ~models.Q(status="declined"),
                name="one_live_membership_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} ({self.get_role_display()}, {self.get_status_display()})"


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

    class Meta:
        ordering = ["application", "-version"]
        constraints = [models.UniqueConstraint(fields=["application", "version"], name="one_vrf_per_version")]

    def __str__(self):
        return f"{self.application.reference} form v{self.version}"


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
    # Set when a resubmission changed the data requested and every department reviews again.
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


class ApplicationEvent(AppendOnlyModel):
    """One entry in an application's audit trail. Append-only: never updated or deleted.

    On PostgreSQL a trigger also refuses UPDATE and DELETE (see the migration).
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=30)
    from_state = models.CharField(max_length=30, choices=State.choices)
    to_state = models.CharField(max_length=30, choices=State.choices)
    at = models.DateTimeField(db_index=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    append_only_name = "The event log"

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"]), models.Index(fields=["kind", "at"])]

    def __str__(self):
        return f"{self.application_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def is_transition(self) -> bool:
        return self.from_state != self.to_state


from .catalogue_models import Catalogue, CatalogueDataset, CatalogueTable, CatalogueVariable  # noqa: E402

__all__ = [
    "Application",
    "ApplicationEvent",
    "Catalogue",
    "CatalogueDataset",
    "CatalogueTable",
    "CatalogueVariable",
    "DepartmentReview",
    "Query",
    "ReferenceCounter",
    "TeamMember",
    "VariableRequestForm",
]
