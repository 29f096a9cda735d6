"""Writes on the applicant's side: create, submit, answer a query and resubmit, withdraw."""

import hashlib

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import clock, lifecycle
from .errors import GuardFailed, InvalidInput
from .models import Application, ReferenceCounter, TeamMember, VariableRequestForm
from .rules import submission_problems
from .selectors import data_fingerprint, submission_facts
from .states import State


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

    At department review, decisions already made stand unless the data requested changed
    since the query; then every department reviews again.
    """
    answers = answers.strip()
    if not answers:
        raise InvalidInput("Answer the questions before you resubmit.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
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
        lifecycle.apply(
            application,
            "resubmit",
            by=by,
            action="application.resubmit",
            kind="resubmitted",
            comment=answers,
            data={"query_id": query.pk, "data_changed": data_changed, "data_fingerprint": fingerprint},
        )
        if application.state == State.DEPARTMENT_REVIEW and data_changed:
            lifecycle.reopen_department_reviews(
                application,
                by=by,
                role="coordinator",
                reason="The data requested changed, so every department reviews the application again.",
            )
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


EDITABLE_STATES = (State.DRAFT, State.QUERIED)


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


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
    from .tasks import validate_variable_request_form

    validate_variable_request_form.delay(form_id)
