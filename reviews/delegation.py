"""Delegated accreditation: where an application goes once every department has approved, and what an official
with delegated authority decides. The criteria themselves live in `applications.delegation`."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from applications import clock, delegation, lifecycle
from applications.errors import GuardFailed, InvalidInput
from applications.models import Application
from applications.rules import Problem
from applications.states import State


def route_after_departments(application: Application, *, by):
    """Every department has approved: to a delegated official when the application meets the criteria, to the
    panel otherwise. The criteria checked, each with its value, go on the timeline with the route taken. Inside
    the caller's transaction, with the application locked."""
    assessment = delegation.assess(application)
    delegated = assessment.eligible
    lifecycle.record(
        application,
        kind="accreditation_routed",
        by=by,
        role=lifecycle.acting_role(by, "application.decide_department"),
        comment=(
            "The application meets the criteria for delegated accreditation."
            if delegated
            else "The application goes to the Research Accreditation Panel."
        ),
        data=assessment.to_data(),
    )
    lifecycle.apply(
        application,
        "route_to_delegated_review" if delegated else "complete_department_review",
        by=by,
        action="application.decide_department",
        kind="department_review_completed",
        comment="DfE, HMRC and DWP have all approved.",
        data={"route": "delegated" if delegated else "panel"},
    )


def accredit_delegated(
    *,
    application_id,
    by,
    ends_on: date,
    conditions: str = "",
    expected_state: str | None = State.DELEGATED_REVIEW,
) -> Application:
    """Accredit as an official with delegated authority: refused unless the application meets every criterion as
    it stands now, whichever path asks."""
    if not ends_on:
        raise InvalidInput("Enter the date accreditation ends.")
    conditions = (conditions or "").strip()
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.accredit_delegated", application)
        if ends_on <= timezone.localdate(clock.now()):
            raise InvalidInput("The accreditation end date must be in the future.")
        assessment = delegation.assess(application)
        if not assessment.eligible:
            problems = [Problem(f"delegation_{c.code}", f"{c.label}: {c.value}.") for c in assessment.failed]
            if not assessment.enabled:
                problems.append(Problem("delegation_disabled", "Delegated accreditation is switched off."))
            raise GuardFailed(
                "This application does not meet the criteria for delegated accreditation. Refer it to the panel.",
                problems=problems,
            )
        lifecycle.apply(
            application,
            "accredit_delegated",
            by=by,
            action="application.accredit_delegated",
            kind="accredited",
            comment=conditions,
            data={"route": "delegated", "ends_on": ends_on.isoformat(), **assessment.to_data()},
            conditions=conditions,
            ends_on=ends_on,
        )
    return application


def refer_to_panel(
    *, application_id, by, reason: str, expected_state: str | None = State.DELEGATED_REVIEW
) -> Application:
    """The official passes the decision to the panel, saying why; the panel then decides as for any other."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Enter the reason for referring the application to the panel.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.accredit_delegated", application)
        lifecycle.apply(
            application,
            "refer_to_panel",
            by=by,
            action="application.accredit_delegated",
            kind="referred_to_panel",
            comment=reason,
        )
    return application
