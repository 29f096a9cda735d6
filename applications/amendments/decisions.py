"""Staff decisions on an amendment: each department on its own data, then the RAS, the panel or a delegated
official, at the stage their team holds (`routing`)."""

from django.db import transaction

from leo_access.deadlocks import retried_on_deadlock
from leo_access.roles import Department, department_of
from leo_access.teams import Team, in_team

from .. import clock, lifecycle
from ..errors import InvalidInput, NotPermitted
from ..models import Amendment, AmendmentReview
from . import transitions

TEAM_OF_STAGE = {
    Amendment.Stage.RAS: Team.INTAKE,
    Amendment.Stage.PANEL: Team.PANEL,
    Amendment.Stage.DELEGATED: Team.DELEGATED,
}
DECISIONS = ("approve", "reject", "query")


def holds(user, amendment: Amendment) -> bool:
    """Does this person's team hold the amendment now? A department holds it while its own review is pending."""
    if amendment.state not in Amendment.REVIEW_STATES:
        return False
    if amendment.stage == Amendment.Stage.DEPARTMENTS:
        department = department_of(user)
        return (
            bool(department)
            and amendment.reviews.filter(department=department, decision=AmendmentReview.Decision.PENDING).exists()
        )
    team = TEAM_OF_STAGE.get(amendment.stage)
    return team is not None and in_team(user, team)


@retried_on_deadlock
def decide_amendment(
    *,
    amendment_id,
    by,
    decision: str,
    reasons: str = "",
    triage: str = "",
    expected_state: str | None = None,
    expected_stage: str | None = None,
) -> Amendment:
    """The RAS, the panel or a delegated official approves, refuses or queries the amendment its team holds. The
    RAS says whether a change of purpose or outputs is minor (the RAS approves it) or material (the panel, or a
    delegated official, decides)."""
    if decision not in DECISIONS:
        raise InvalidInput("Choose whether to approve, refuse or ask questions.")
    reasons = reasons.strip()
    if decision in ("reject", "query") and not reasons:
        raise InvalidInput("Give the reasons for refusing." if decision == "reject" else "Enter your questions.")
    with transaction.atomic():
        application, amendment = transitions.locked(amendment_id)
        lifecycle.authorise(by, "amendment.approve" if decision == "approve" else "amendment.decide", application)
        transitions.ensure_amendment_state(amendment, expected_state, *Amendment.REVIEW_STATES)
        if expected_stage and amendment.stage != expected_stage:
            raise transitions.stale(amendment)
        if amendment.stage == Amendment.Stage.DEPARTMENTS:
            raise NotPermitted("Departments decide on their own data: record your department's decision.")
        if not holds(by, amendment):
            raise NotPermitted("Your team does not hold this amendment.")
        if decision == "query":
            transitions.ensure_amendment_state(amendment, None, Amendment.State.UNDER_REVIEW)
            transitions.run(amendment, "query", by=by, questions=reasons)
            transitions.record(application, amendment, kind="amendment_queried", by=by, comment=reasons)
        elif decision == "reject":
            transitions.run(amendment, "reject", by=by, by_user=by, reasons=reasons)
            transitions.record(application, amendment, kind="amendment_rejected", by=by, comment=reasons)
        else:
            transitions.ensure_amendment_state(amendment, None, Amendment.State.UNDER_REVIEW)
            if amendment.stage == Amendment.Stage.RAS and amendment.proposed:
                if triage not in Amendment.Triage.values:
                    raise InvalidInput("Say whether the change of purpose or outputs is minor or material.")
                amendment.triage = triage
            transitions.send_on(application, amendment, by=by, after=amendment.stage)
    return amendment


@retried_on_deadlock
def record_amendment_department_decision(
    *, amendment_id, by, department: str, decision: str, reasons: str = "", expected_state: str | None = None
) -> AmendmentReview:
    """One department's decision on the growth of its own data. The last approval sends the amendment on; a
    refusal refuses it."""
    department = Department(department)
    reasons = reasons.strip()
    if decision not in (AmendmentReview.Decision.APPROVED, AmendmentReview.Decision.REJECTED):
        raise InvalidInput("Choose whether to approve or refuse the change to your department's data.")
    if decision == AmendmentReview.Decision.REJECTED and not reasons:
        raise InvalidInput("Give the reasons for refusing.")
    with transaction.atomic():
        application, amendment = transitions.locked(amendment_id)
        lifecycle.authorise(by, "amendment.decide", application)
        if department_of(by) != department:
            raise NotPermitted("You can only record your own department's decision.")
        transitions.ensure_amendment_state(amendment, expected_state, Amendment.State.UNDER_REVIEW)
        review = amendment.reviews.select_for_update().filter(department=department).first()
        if amendment.stage != Amendment.Stage.DEPARTMENTS or review is None:
            raise NotPermitted(f"{department.label} has no decision to make on this amendment.")
        if review.decision != AmendmentReview.Decision.PENDING:
            raise transitions.stale(amendment)
        review.decision = decision
        review.reasons = reasons
        review.decided_by = by
        review.decided_at = clock.now()
        review.save()
        transitions.record(
            application,
            amendment,
            kind="amendment_department_decided",
            by=by,
            action="amendment.decide",
            comment=reasons,
            data={"department": str(department), "decision": decision},
        )
        if decision == AmendmentReview.Decision.REJECTED:
            transitions.run(amendment, "reject", by=by, by_user=by, reasons=f"{department.label}: {reasons}")
            transitions.record(application, amendment, kind="amendment_rejected", by=by, comment=reasons)
        elif not amendment.reviews.exclude(decision=AmendmentReview.Decision.APPROVED).exists():
            transitions.send_on(application, amendment, by=by, after=Amendment.Stage.DEPARTMENTS)
    return review
