"""Changes to a live project: amendments, their reviews, and the approved versions they make.

An amendment is a change request on a project whose access has been granted. The project keeps running under its
approved version while the amendment is reviewed; an approved amendment changes the project and records the next
`ProjectVersion` (ADR 0020).
"""

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from leo_access.roles import Department

from .application import Application
from .team import TeamMember


def _may(action):
    """A transition's permission: the one permission table decides (on the amendment's application)."""

    def check(instance, user):
        from leo_access.permissions import has_permission

        return has_permission(user, action, instance.application)

    check.action = action
    return check


class Amendment(FSMModelMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        QUERIED = "queried", "Queried"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Kind(models.TextChoices):
        TEAM = "team", "Team"
        DATA = "data", "Data"
        PURPOSE = "purpose", "Purpose or outputs"
        EXTENSION = "extension", "Extension of the end date"

    class Stage(models.TextChoices):
        DEPARTMENTS = "departments", "Department review"
        RAS = "ras", "RAS review"
        PANEL = "panel", "Panel review"
        DELEGATED = "delegated", "Delegated review"

    class Triage(models.TextChoices):
        MINOR = "minor", "Minor: the RAS approves"
        MATERIAL = "material", "Material: the panel decides"
        DELEGATED = "delegated", "Material: an official with delegated authority decides"

    OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.UNDER_REVIEW, State.QUERIED)
    REVIEW_STATES = (State.UNDER_REVIEW, State.QUERIED)

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveIntegerField()
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    # Who holds the amendment while it is under review; at department review, each department's decision is an
    # `AmendmentReview` row.
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    triage = models.CharField(max_length=20, choices=Triage.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    stage_entered_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = models.TextField(blank=True)
    questions = models.TextField(blank=True)
    answers = models.TextField(blank=True)
    # The approved version the amendment was written against: approving it when the project has moved on in a way
    # that changes what was reviewed is refused as stale.
    base_version = models.PositiveIntegerField(default=1)
    base_end_date = models.DateField(null=True, blank=True)

    # What is asked for, by kind.
    summary = models.TextField(blank=True, help_text="Why the change is needed, in the co-ordinator's words.")
    add_email = models.EmailField(blank=True)
    add_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    remove_member = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, null=True, blank=True, related_name="removal_amendments"
    )
    new_coordinator = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, null=True, blank=True, related_name="coordinator_amendments"
    )
    # Title, lay summary, public benefit statement and dissemination (outputs) plan as proposed, each as
    # {"from": the approved text at submission, "to": the new text}: only the changed ones are kept.
    proposed = models.JSONField(default=dict, blank=True)
    new_end_date = models.DateField(null=True, blank=True)
    # Each department's data that grows, with what changed ({"hmrc": ["CJRS: table requested"]}), and the full
    # difference from the approved form, fixed at submission.
    data_changes = models.JSONField(default=dict, blank=True)
    data_diff = models.JSONField(default=dict, blank=True)
    base_form_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["application", "-number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="one_amendment_number")]
        indexes = [
            models.Index(
                fields=["stage", "stage_entered_at", "id"],
                condition=models.Q(state__in=["under_review", "queried"]),
                name="amendment_queue",
            )
        ]

    def __str__(self):
        return f"{self.application.reference} amendment {self.number}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def kinds(self) -> list[str]:
        """What the amendment changes: one amendment may change the team, the data, the purpose and the end date
        together, and is reviewed by everyone any of its changes needs."""
        kinds = []
        if self.add_email or self.remove_member_id or self.new_coordinator_id:
            kinds.append(self.Kind.TEAM)
        if self.pk and self.forms.all():  # prefetched on lists (`amendments.selectors.amendments_of`)
            kinds.append(self.Kind.DATA)
        if self.proposed:
            kinds.append(self.Kind.PURPOSE)
        if self.new_end_date:
            kinds.append(self.Kind.EXTENSION)
        return kinds

    @property
    def kinds_display(self) -> str:
        return ", ".join(self.Kind(kind).label.lower() for kind in self.kinds).capitalize() or "No change yet"

    # Transitions: set fields and nothing else; `applications.amendments` services call them. -----------

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED, permission=_may("amendment.request"))
    def submit(self, *, at, base_version):
        self.submitted_at = at
        self.stage_entered_at = at
        self.base_version = base_version

    @transition(field=state, source=State.SUBMITTED, target=State.UNDER_REVIEW, permission=_may("amendment.request"))
    def route(self, *, at, stage):
        self.stage = stage
        self.stage_entered_at = at

    @transition(field=state, source=State.UNDER_REVIEW, target=State.UNDER_REVIEW, permission=_may("amendment.decide"))
    def move_on(self, *, at, stage, triage=""):
        """The stage that held it has approved, and another must decide (RAS triage sends it to the panel)."""
        self.stage = stage
        self.stage_entered_at = at
        if triage:
            self.triage = triage

    @transition(field=state, source=State.UNDER_REVIEW, target=State.QUERIED, permission=_may("amendment.decide"))
    def query(self, *, at, questions):
        self.questions = questions
        self.answers = ""

    @transition(field=state, source=State.QUERIED, target=State.UNDER_REVIEW, permission=_may("amendment.request"))
    def answer(self, *, at, answers):
        self.answers = answers

    @transition(
        field=state,
        source=[State.SUBMITTED, State.UNDER_REVIEW],
        target=State.APPROVED,
        permission=_may("amendment.approve"),
    )
    def approve(self, *, at, by_user):
        self.decided_at = at
        self.decided_by = by_user
        self.stage = ""

    @transition(
        field=state,
        source=[State.UNDER_REVIEW, State.QUERIED],
        target=State.REJECTED,
        permission=_may("amendment.decide"),
    )
    def reject(self, *, at, by_user, reasons):
        self.decided_at = at
        self.decided_by = by_user
        self.reasons = reasons
        self.stage = ""

    @transition(
        field=state,
        source=[State.DRAFT, State.SUBMITTED, State.UNDER_REVIEW, State.QUERIED],
        target=State.WITHDRAWN,
        permission=_may("amendment.request"),
    )
    def withdraw(self, *, at):
        self.decided_at = at
        self.stage = ""


class AmendmentReview(models.Model):
    """One department's decision on an amendment that asks for more of its data."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="reviews")
    department = models.CharField(max_length=10, choices=Department.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    changes = models.JSONField(default=list, blank=True)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["amendment", "department"]
        constraints = [
            models.UniqueConstraint(fields=["amendment", "department"], name="one_review_per_amendment_department")
        ]

    def __str__(self):
        return f"{self.get_department_display()} on {self.amendment}: {self.get_decision_display()}"


class ProjectVersion(models.Model):
    """An approved version of a project: version 1 as accredited, and one more for each approved amendment.

    `snapshot` is the project as that version approved it (the fields amendments change, the team, the form);
    `changes` says in words what changed from the version before. Never changed once written.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    amendment = models.OneToOneField(Amendment, on_delete=models.PROTECT, null=True, blank=True, related_name="version")
    approved_at = models.DateTimeField()
    snapshot = models.JSONField(default=dict)
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="one_project_version_number")]

    def __str__(self):
        return f"{self.application.reference} version {self.number}"
