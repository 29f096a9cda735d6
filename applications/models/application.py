"""An application and its lifecycle: the state machine every change of stage goes through."""

import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django_fsm import GET_STATE, FSMField, FSMModelMixin, transition

from leo_access.roles import Department

from ..states import OPEN_STATES, QUERYABLE_STATES, REGISTER_STATES, State
from .queues import QUEUE_ORDERS, department_queue, queue_stage, split

# django-fsm-2 reloads a protected state field by lifting the protection on the field itself, which every
# instance in the process shares, and restoring it afterwards. Two reloads in two threads of one server overlap:
# the first to finish restores the protection while the second is still writing the state, which then fails as
# a direct modification. Reloads of an application take turns instead.
_RELOADING = threading.Lock()


def _may(action, *alternatives):
    """A transition's permission: the one permission table decides. With alternatives, any of the actions will do
    (an admin closes a project; its co-ordinator may close it early)."""

    def check(instance, user):
        from leo_access.permissions import has_permission

        return any(has_permission(user, name, instance) for name in (action, *alternatives))

    check.action = action if not alternatives else (action, *alternatives)
    return check


def _return_to_querying_stage(instance, *args, **kwargs):
    return instance.queried_from


def _at_department_review(instance) -> bool:
    """At department review, or queried from it: a department decides while another department's query is out."""
    return instance.state == State.DEPARTMENT_REVIEW or instance.queried_from == State.DEPARTMENT_REVIEW


def _queried_after_department_review(instance) -> bool:
    """Queried from the panel, which the departments had passed the application on to."""
    return instance.queried_from == State.PANEL_REVIEW


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
    # The co-ordinator's choice: the public register names the project's researchers only when this is on.
    register_names_consent = models.BooleanField(default=False)

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
            # The public register: its projects, most recently accredited first, with the columns its filters read.
            models.Index(
                models.F("accredited_at").desc(),
                "reference",
                "state",
                "requested_datasets",
                condition=models.Q(state__in=REGISTER_STATES, accredited_at__isnull=False),
                name="public_register",
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

    def refresh_from_db(self, *args, **kwargs):
        with _RELOADING:
            super().refresh_from_db(*args, **kwargs)

    @property
    def requested_dataset_names(self) -> list[str]:
        return split(self.requested_datasets)

    # Who is who ----------------------------------------------------------------------

    def current_members(self):
        return self.team_members.filter(status=self.team_members.model.Status.ACCEPTED)

    def is_member(self, user) -> bool:
        if not getattr(user, "pk", None):
            return False
        return self.team_members.filter(user=user, status=self.team_members.model.Status.ACCEPTED).exists()

    def is_coordinator(self, user) -> bool:
        if not getattr(user, "pk", None):
            return False
        return self.team_members.filter(
            user=user, status=self.team_members.model.Status.ACCEPTED, role=self.team_members.model.Role.COORDINATOR
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
        source=State.QUERIED,
        target=State.DEPARTMENT_REVIEW,
        conditions=[_queried_after_department_review],
        permission=_may("application.resubmit"),
    )
    def resubmit_for_department_review(self, *, at):
        """An answer to the panel's query that asks for more of a department's data goes back to that department
        (`applications.rereview`) before the panel, as a new round of department review with its own clock."""
        self.stage_entered_at = at

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
        source=State.DEPARTMENT_REVIEW,
        target=State.DELEGATED_REVIEW,
        permission=_may("application.decide_department"),
    )
    def route_to_delegated_review(self, *, at):
        """All departments approved an application that meets the delegation criteria (`applications.delegation`):
        an official with delegated authority accredits it, or refers it to the panel."""
        self.stage_entered_at = at

    @transition(
        field=state,
        source=State.DELEGATED_REVIEW,
        target=State.PANEL_REVIEW,
        permission=_may("application.accredit_delegated"),
    )
    def refer_to_panel(self, *, at):
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
        source=State.DELEGATED_REVIEW,
        target=State.ACCREDITED,
        permission=_may("application.accredit_delegated"),
    )
    def accredit_delegated(self, *, at, conditions, ends_on):
        """Accreditation by an official with delegated authority: no meeting, so no meeting's record."""
        self.decided_at = at
        self.accredited_at = at
        self.stage_entered_at = at
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

    @transition(
        field=state,
        source=State.ACCESS_GRANTED,
        target=State.CLOSED,
        permission=_may("application.close", "application.close_early"),
    )
    def close(self, *, at):
        self.closed_at = at
        self.stage_entered_at = at
