"""Writes on the applicant's side: create, submit, answer a query and resubmit, withdraw."""

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from leo_access.files import sha256_of

from . import clock, lifecycle
from .errors import GuardFailed, InvalidInput, NotPermitted, StaleState
from .models import Application, ReferenceCounter, TeamMember, VariableRequestForm
from .rereview import departments_to_review_again
from .rules import Section, submission_problems
from .sections import SECTION_FIELDS
from .selectors import data_fingerprint, submission_facts
from .states import State

EDITABLE_STATES = (State.DRAFT, State.QUERIED)
# Stages a query comes from once the departments have reviewed the application (or are reviewing it).
DEPARTMENTS_HAVE_REVIEWED = (State.DEPARTMENT_REVIEW, State.PANEL_REVIEW)


def _next_reference(year: int) -> str:
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"LEO-{year}-{counter.last:04d}"


def create_application(*, title: str, by) -> Application:
    """A new draft, with its creator as project co-ordinator."""
    title = title.strip()
    if not title:
        raise InvalidInput("Enter the project title.")
    lifecycle.authorise(by, "application.create", None)
    with transaction.atomic():
        application = Application.objects.create(
            reference=_next_reference(clock.now().year), title=title, created_by=by, stage_entered_at=clock.now()
        )
        TeamMember.objects.create(
            application=application,
            user=by,
            email=by.email,
            role=TeamMember.Role.COORDINATOR,
            status=TeamMember.Status.ACCEPTED,
            responded_at=clock.now(),
        )
        lifecycle.record(application, kind="created", by=by, role="coordinator")
    return application


def save_section(*, application_id, by, section: str, values: dict) -> Application:
    """Save a section's answers, complete or not, while the application can be edited."""
    unexpected = set(values) - set(SECTION_FIELDS[section])
    if unexpected:
        raise ValueError(f"Fields {sorted(unexpected)} do not belong to the section {section}")
    if "title" in values and not str(values["title"]).strip():
        raise InvalidInput("Enter the project title.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.authorise(by, "application.edit", application)
        lifecycle.ensure_state(application, None, *EDITABLE_STATES)
        for name, value in values.items():
            if name == "ethics_approval_letter":
                application.ethics_approval_letter.save(f"{application.pk}/{value.name[-100:]}", value, save=False)
            else:
                setattr(application, name, value.strip() if isinstance(value, str) else value)
        application.save()
    return application


def submit_application(*, application_id, by, expected_state: str | None = State.DRAFT) -> Application:
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.submit", application)
        problems = submission_problems(submission_facts(application), timezone.localdate(clock.now()))
        if problems:
            raise GuardFailed("This application cannot be submitted yet.", problems=problems)
        lifecycle.apply(
            application,
            "submit",
            by=by,
            action="application.submit",
            kind="submitted",
            data={"data_fingerprint": data_fingerprint(application)},
        )
    return application


def resubmit_application(*, application_id, by, answers: str, expected_state: str | None = State.QUERIED):
    """Answer the open query and return the application to the stage that asked.

    Once departments have reviewed it (a query from department review or the panel), a department whose data the
    answer asks more of reviews again (`rereview.departments_to_review_again`) and the others' decisions stand; an
    answer to the panel that does so goes to department review first, and on to the panel once they approve.
    """
    answers = answers.strip()
    if not answers:
        raise InvalidInput("Answer the questions before you resubmit.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        # Only a queried application has an open query to answer, whatever state the page was sent with.
        lifecycle.ensure_state(application, expected_state, State.QUERIED)
        lifecycle.authorise(by, "application.resubmit", application)
        query = application.queries.select_for_update().filter(answered_at__isnull=True).latest("raised_at")
        problems = submission_problems(submission_facts(application), timezone.localdate(clock.now()))
        if problems:
            raise GuardFailed("This application cannot be resubmitted yet.", problems=problems)
        query.answers = answers
        query.answered_by = by
        query.answered_at = clock.now()
        query.save(update_fields=["answers", "answered_by", "answered_at"])
        fingerprint = data_fingerprint(application)
        data_changed = fingerprint != query.data_fingerprint
        again = {}
        if data_changed and application.queried_from in DEPARTMENTS_HAVE_REVIEWED:
            again = departments_to_review_again(application, reviewed_fingerprint=query.data_fingerprint)
        back_to_departments = bool(again) and application.queried_from == State.PANEL_REVIEW
        lifecycle.apply(
            application,
            "resubmit_for_department_review" if back_to_departments else "resubmit",
            by=by,
            action="application.resubmit",
            kind="resubmitted",
            comment=answers,
            data={
                "query_id": query.pk,
                "data_changed": data_changed,
                "data_fingerprint": fingerprint,
                "departments_reviewing_again": [str(department) for department in again],
            },
            **({} if back_to_departments else {"time_at_stage": query.time_at_stage}),
        )
        if again:
            lifecycle.reopen_department_reviews(application, departments=again, by=by, role="coordinator")
    return application


def withdraw_application(*, application_id, by, reason: str = "", expected_state: str | None = None) -> Application:
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.withdraw", application)
        lifecycle.apply(
            application, "withdraw", by=by, action="application.withdraw", kind="withdrawn", comment=reason.strip()
        )
    return application


def _sha256(uploaded) -> str:
    digest = sha256_of(uploaded)
    uploaded.seek(0)
    return digest


def upload_variable_request_form(*, application_id, by, uploaded) -> VariableRequestForm:
    """Store the file as the next version (never overwriting one) and queue its validation."""
    if uploaded.size == 0:
        raise InvalidInput("The selected file is empty. Choose the completed Variable Request Form.")
    if uploaded.size > settings.VRF_MAX_BYTES:
        limit = settings.VRF_MAX_BYTES // (1024 * 1024)
        raise InvalidInput(f"The selected file must be smaller than {limit} MB.")
    sha256 = _sha256(uploaded)
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.authorise(by, "application.edit", application)
        lifecycle.ensure_state(application, None, *EDITABLE_STATES)
        version = (application.variable_request_forms.aggregate(last=Max("version"))["last"] or 0) + 1
        form = VariableRequestForm(
            application=application,
            version=version,
            original_name=uploaded.name[-255:],
            size=uploaded.size,
            sha256=sha256,
            uploaded_by=by,
        )
        form.file.save(f"{application.pk}/v{version}-{sha256[:12]}.xlsx", File(uploaded), save=False)
        form.save()
        lifecycle.record(
            application,
            kind="form_uploaded",
            by=by,
            role=lifecycle.acting_role(by, "application.edit"),
            data={"version": version, "sha256": sha256},
        )
        transaction.on_commit(lambda: _queue_validation(form.pk))
    return form


def _queue_validation(form_id: int):
    # Runs after the upload commits, so a broker outage must not fail the page: a form that could not be queued
    # is queued by the sweeper (applications.tasks.queue_unchecked_forms).
    from .tasks import queue_validation

    queue_validation(form_id)


def _editable(application_id, by):
    application = lifecycle.lock(application_id)
    lifecycle.authorise(by, "application.edit", application)
    lifecycle.ensure_state(application, None, *EDITABLE_STATES)
    return application


def invite_member(*, application_id, by, email: str) -> TeamMember:
    """Invite a researcher by e-mail; someone without an account is sent a sign-up link."""
    from leo_access.models import User

    email = User.objects.normalize_email(email.strip()).lower()
    with transaction.atomic():
        application = _editable(application_id, by)
        live = application.team_members.exclude(status__in=[TeamMember.Status.REMOVED, TeamMember.Status.DECLINED])
        if live.filter(email__iexact=email).exists():
            raise InvalidInput(f"{email} is already on the team or invited.")
        member = TeamMember.objects.create(
            application=application, email=email, user=User.objects.filter(email__iexact=email).first()
        )
        lifecycle.record(
            application,
            kind="member_invited",
            by=by,
            role=lifecycle.acting_role(by, "application.edit"),
            data={"member_id": member.pk, "email": email},
        )
    return member


def respond_to_invitation(*, member_id, by, accept: bool) -> TeamMember:
    with transaction.atomic():
        application_id = TeamMember.objects.values_list("application_id", flat=True).get(pk=member_id)
        application = lifecycle.lock(application_id)
        member = TeamMember.objects.select_for_update().get(pk=member_id)
        if member.email.lower() != by.email.lower():
            raise NotPermitted("This invitation is for someone else.")
        if member.status != TeamMember.Status.INVITED:
            raise StaleState("You have already answered this invitation.", current_state=application.state)
        member.user = by
        member.status = TeamMember.Status.ACCEPTED if accept else TeamMember.Status.DECLINED
        member.responded_at = clock.now()
        member.save(update_fields=["user", "status", "responded_at"])
        lifecycle.record(
            application,
            kind="invitation_accepted" if accept else "invitation_declined",
            by=by,
            role="researcher",
            data={"member_id": member.pk},
        )
    return member


def remove_member(*, application_id, by, member_id) -> TeamMember:
    with transaction.atomic():
        application = _editable(application_id, by)
        member = application.team_members.select_for_update().get(pk=member_id)
        if member.role == TeamMember.Role.COORDINATOR:
            raise InvalidInput("Hand the co-ordinator role to someone else before removing its holder.")
        member.status = TeamMember.Status.REMOVED
        member.save(update_fields=["status"])
        lifecycle.record(
            application,
            kind="member_removed",
            by=by,
            role=lifecycle.acting_role(by, "application.edit"),
            data={"member_id": member.pk, "email": member.email},
        )
    return member


def hand_over_coordination(*, application_id, by, member_id) -> TeamMember:
    """Make another accepted member the project co-ordinator; the current one stays on the team."""
    with transaction.atomic():
        application = _editable(application_id, by)
        member = application.team_members.select_for_update().get(pk=member_id)
        if member.status != TeamMember.Status.ACCEPTED or member.role == TeamMember.Role.COORDINATOR:
            raise InvalidInput("Only a member who has accepted their invitation can become the co-ordinator.")
        application.team_members.filter(role=TeamMember.Role.COORDINATOR).update(role=TeamMember.Role.MEMBER)
        member.role = TeamMember.Role.COORDINATOR
        member.save(update_fields=["role"])
        lifecycle.record(
            application,
            kind="coordinator_changed",
            by=by,
            role="coordinator",
            data={"member_id": member.pk, "email": member.email},
        )
    return member


def link_invitations(user) -> int:
    """Invitations sent to this e-mail address before its account existed now belong to the account."""
    return TeamMember.objects.filter(user__isnull=True, email__iexact=user.email).update(user=user)


# The approval letter is not copied: a new project needs its own evidence.
COPIED_FIELDS = sorted(
    {
        name
        for section in (Section.PROJECT, Section.PUBLIC_BENEFIT, Section.SAFEGUARDS, Section.ETHICS)
        for name in SECTION_FIELDS[section]
    }
    - {"ethics_approval_letter"}
)


def copy_application(*, application_id, by) -> Application:
    """A new draft with the same answers and team (members are invited again)."""
    source = Application.objects.get(pk=application_id)
    lifecycle.authorise(by, "application.copy", source)
    with transaction.atomic():
        copy = create_application(title=f"Copy of {source.title}"[:250], by=by)
        for name in COPIED_FIELDS:
            if name != "title":
                setattr(copy, name, getattr(source, name))
        copy.save()
        for member in source.current_members().exclude(user=by):
            TeamMember.objects.create(application=copy, email=member.email, user=member.user)
        lifecycle.record(
            copy, kind="copied", by=by, role="coordinator", data={"from": source.reference, "from_id": str(source.pk)}
        )
    return copy
