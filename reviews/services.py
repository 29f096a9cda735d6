"""Staff decisions: intake, queries, department decisions, the panel and closing projects."""

from datetime import date

from django.db import transaction

from applications import clock, lifecycle
from applications.errors import InvalidInput, NotPermitted, StaleState
from applications.models import Application, DepartmentReview, Query
from applications.selectors import current_department_reviews, data_fingerprint
from applications.states import State
from declarations.services import open_declarations
from leo_access.actors import SYSTEM
from leo_access.roles import Department, department_of


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message)
    return text


def query_application(*, application_id, by, questions: str, expected_state: str | None = None) -> Query:
    """Send questions back to the applicant from the stage this person holds."""
    questions = _required(questions, "Enter the questions for the applicant.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.query", application)
        stage = application.state
        event = lifecycle.apply(
            application, "query", by=by, action="application.query", kind="queried", comment=questions
        )
        query = Query.objects.create(
            application=application,
            stage=stage,
            questions=questions,
            raised_by=by,
            raised_by_role=event.actor_role,
            raised_at=event.at,
            data_fingerprint=data_fingerprint(application),
        )
    return query


def pass_intake(*, application_id, by, comment: str = "", expected_state: str | None = State.RAS_CHECK):
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.pass_intake", application)
        lifecycle.apply(
            application,
            "pass_intake",
            by=by,
            action="application.pass_intake",
            kind="intake_passed",
            comment=comment.strip(),
        )
        lifecycle.open_department_reviews(application)
    return application


def reject_application(*, application_id, by, reasons: str, expected_state: str | None = None) -> Application:
    """Refuse at intake or at panel. Departments refuse through `record_department_decision`."""
    reasons = _required(reasons, "Enter the reasons for rejecting the application.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        if application.state == State.DEPARTMENT_REVIEW:
            raise NotPermitted("At department review, record your department's decision instead.")
        lifecycle.authorise(by, "application.reject", application)
        lifecycle.apply(
            application,
            "reject",
            by=by,
            action="application.reject",
            kind="rejected",
            comment=reasons,
            data={"stage": application.state},
        )
    return application


def record_department_decision(
    *,
    application_id,
    by,
    department: str,
    decision: str,
    reasons: str = "",
    expected_state: str | None = State.DEPARTMENT_REVIEW,
) -> DepartmentReview:
    """One department approves or rejects. All three approving moves the application to the panel;
    the first rejection rejects it."""
    department = Department(department)
    if decision not in (DepartmentReview.Decision.APPROVED, DepartmentReview.Decision.REJECTED):
        raise InvalidInput("Choose whether to approve or reject.")
    reasons = (reasons or "").strip()
    if decision == DepartmentReview.Decision.REJECTED:
        _required(reasons, "Enter the reasons for rejecting the application.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.decide_department", application)
        if department_of(by) != department:
            raise NotPermitted(f"Only a {department.label} reviewer can record {department.label}'s decision.")
        lifecycle.assert_department_review(application)
        review = current_department_reviews(application).select_for_update().get(department=department)
        if review.decision != DepartmentReview.Decision.PENDING:
            raise StaleState(
                f"{department.label} has already recorded its decision ({review.get_decision_display().lower()}).",
                current_state=application.state,
            )
        review.decision = decision
        review.reasons = reasons
        review.decided_by = by
        review.decided_at = clock.now()
        review.save(update_fields=["decision", "reasons", "decided_by", "decided_at"])
        role = lifecycle.acting_role(by, "application.decide_department")
        lifecycle.record(
            application,
            kind=f"department_{decision}",
            by=by,
            role=role,
            comment=reasons,
            data={"department": department.value},
        )
        if decision == DepartmentReview.Decision.REJECTED:
            lifecycle.apply(
                application,
                "reject",
                by=by,
                action="application.reject",
                kind="rejected",
                comment=reasons,
                data={"stage": State.DEPARTMENT_REVIEW, "department": department.value},
            )
        elif all(r.decision == DepartmentReview.Decision.APPROVED for r in current_department_reviews(application)):
            lifecycle.apply(
                application,
                "complete_department_review",
                by=by,
                action="application.decide_department",
                kind="department_review_completed",
                comment="DfE, HMRC and DWP have all approved.",
            )
    return review


def accredit_application(
    *,
    application_id,
    by,
    meeting_date: date,
    members_present: str,
    conditions: str = "",
    ends_on: date,
    expected_state: str | None = State.PANEL_REVIEW,
) -> Application:
    members_present = _required(members_present, "Enter the panel members present.")
    if not meeting_date or not ends_on:
        raise InvalidInput("Enter the meeting date and the date accreditation ends.")
    if ends_on <= meeting_date:
        raise InvalidInput("The accreditation end date must be after the meeting date.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.accredit", application)
        lifecycle.apply(
            application,
            "accredit",
            by=by,
            action="application.accredit",
            kind="accredited",
            comment=conditions.strip(),
            data={
                "meeting_date": meeting_date.isoformat(),
                "members_present": members_present,
                "ends_on": ends_on.isoformat(),
            },
            meeting_date=meeting_date,
            members_present=members_present,
            conditions=conditions.strip(),
            ends_on=ends_on,
        )
        open_declarations(application)
    return application


def close_project(
    *, application_id, by, reason: str = "", expected_state: str | None = State.ACCESS_GRANTED
) -> Application:
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.close", application)
        lifecycle.apply(
            application,
            "close",
            by=by,
            action="application.close",
            kind="closed",
            comment=reason.strip() or ("The project's end date has passed." if by is SYSTEM else ""),
        )
    return application
