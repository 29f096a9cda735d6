"""Approval conditions: set by an approving party, answered with evidence by the applicant team, then met (signed
off by the team that set it) or waived with a reason. A before-access condition that is not met or waived stops
access being granted, whichever path tries (`declarations.services`)."""

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet

from leo_access.roles import Role, department_of, roles_of
from leo_access.teams import Team, in_team

from . import clock, lifecycle
from .condition_evidence import checked_evidence_file
from .errors import InvalidInput, NotPermitted, StaleState
from .models import Application, ApprovalCondition
from .rules import Problem
from .states import State

Condition = ApprovalCondition
SETTLED = (Condition.State.MET, Condition.State.WAIVED)
# Where each approving team sets conditions: departments while they review, the panel when it accredits and until
# access is granted. Admins may set them at any of these stages and while the project is live.
SETTING_STAGES = {
    Team.DFE: {State.DEPARTMENT_REVIEW},
    Team.HMRC: {State.DEPARTMENT_REVIEW},
    Team.DWP: {State.DEPARTMENT_REVIEW},
    Team.PANEL: {State.PANEL_REVIEW, State.ACCREDITED},
    Team.DELEGATED: {State.DELEGATED_REVIEW, State.ACCREDITED},
}
ADMIN_STAGES = {
    State.DEPARTMENT_REVIEW,
    State.PANEL_REVIEW,
    State.DELEGATED_REVIEW,
    State.ACCREDITED,
    State.ACCESS_GRANTED,
}
APPROVING_TEAMS = (Team.DFE, Team.HMRC, Team.DWP, Team.PANEL, Team.DELEGATED)
DEPARTMENT_TEAMS = (Team.DFE, Team.HMRC, Team.DWP)


def blocking_conditions(application: Application) -> QuerySet[ApprovalCondition]:
    """The before-access conditions still open: access waits for every one of them."""
    return application.conditions.filter(timing=Condition.Timing.BEFORE_ACCESS).exclude(state__in=SETTLED)


def blocking_problems(application: Application) -> list[Problem]:
    return [
        Problem("condition_open", f"Condition not yet met: {condition.text}")
        for condition in blocking_conditions(application)
    ]


def setting_team(user, application: Application) -> str | None:
    """The approving team in which this person may set a condition now ("" for an admin), or None."""
    for team in APPROVING_TEAMS:
        if in_team(user, team) and application.state in SETTING_STAGES[team]:
            if team in DEPARTMENT_TEAMS and department_of(user) != team.value:
                continue
            return team.value
    if Role.ADMIN in roles_of(user) and application.state in ADMIN_STAGES:
        return ""
    return None


def set_condition(
    *,
    application_id,
    by,
    text: str,
    timing: str,
    due_date=None,
    owner: str = Condition.Owner.COORDINATOR,
    owner_member_id=None,
    owner_team: str = "",
) -> ApprovalCondition:
    text = " ".join((text or "").split())
    if not text:
        raise InvalidInput("Enter the condition.")
    if timing not in Condition.Timing.values:
        raise InvalidInput("Choose when the condition must be met.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.authorise(by, "condition.set", application)
        team = setting_team(by, application)
        if team is None:
            raise StaleState(lifecycle.stale_message(application), current_state=application.state)
        member = None
        if owner == Condition.Owner.MEMBER:
            member = application.current_members().filter(pk=owner_member_id).first()
            if member is None:
                raise InvalidInput("Choose a member of the team as the owner.")
        if owner == Condition.Owner.TEAM and owner_team not in Team.values:
            raise InvalidInput("Choose the staff team that owns the condition.")
        condition = ApprovalCondition.objects.create(
            application=application,
            text=text,
            timing=timing,
            owner=owner,
            owner_member=member,
            owner_team=owner_team if owner == Condition.Owner.TEAM else "",
            due_date=due_date,
            set_by=by,
            set_by_team=team,
            set_at=clock.now(),
        )
        _record(application, condition, "condition_set", by, "condition.set", text)
    return condition


def submit_evidence(*, condition_id, by, evidence: str = "", file=None) -> ApprovalCondition:
    """Answer a condition with a description, a document, or both. A document replaces any sent before (the
    earlier one is kept in storage under its own name); one that is not of an accepted kind and size is refused
    before anything is stored."""
    evidence = (evidence or "").strip()
    if not evidence and not file:
        raise InvalidInput("Describe how the condition is met, or choose a document that shows it.")
    extension, sha256 = checked_evidence_file(file) if file else ("", "")
    with transaction.atomic():
        application, condition = _locked(condition_id)
        lifecycle.authorise(by, "condition.evidence", application)
        _ensure_open(application, condition)
        condition.state = Condition.State.EVIDENCE_SUBMITTED
        condition.evidence, condition.evidence_by, condition.evidence_at = evidence, by, clock.now()
        data = {}
        if file:
            condition.evidence_file.save(
                f"{application.pk}/condition-{condition.pk}-{sha256[:12]}.{extension}", File(file), save=False
            )
            condition.evidence_file_name = (file.name or f"evidence.{extension}")[-255:]
            condition.evidence_file_size, condition.evidence_file_sha256 = file.size, sha256
            data = {"file": condition.evidence_file_name, "sha256": sha256}
        condition.save()
        _record(application, condition, "condition_evidence_submitted", by, "condition.evidence", evidence, **data)
    return condition


def decide_condition(*, condition_id, by, decision: str, reason: str = "") -> ApprovalCondition:
    """Sign a condition off as met, or waive it with a reason; only the team that set it (or an admin)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        application, condition = _locked(condition_id)
        lifecycle.authorise(by, "condition.decide", application)
        if Role.ADMIN not in roles_of(by) and not (condition.set_by_team and in_team(by, condition.set_by_team)):
            raise NotPermitted("Only the team that set the condition signs it off.")
        _ensure_open(application, condition)
        if decision == "met":
            if condition.state != Condition.State.EVIDENCE_SUBMITTED and condition.owner != Condition.Owner.TEAM:
                raise InvalidInput("A condition is met once its owner has submitted evidence. Waive it instead.")
            condition.state = Condition.State.MET
        elif decision == "waived":
            if not reason:
                raise InvalidInput("Give the reason for waiving the condition.")
            condition.state = Condition.State.WAIVED
        else:
            raise InvalidInput("Choose whether the condition is met or waived.")
        condition.decided_by, condition.decided_at, condition.decision_reason = by, clock.now(), reason
        condition.save()
        # `declarations` listens for these events and grants access if this was the last thing it waited for.
        _record(application, condition, f"condition_{decision}", by, "condition.decide", reason)
    return condition


def _locked(condition_id) -> tuple[Application, ApprovalCondition]:
    application_id = ApprovalCondition.objects.values_list("application_id", flat=True).get(pk=condition_id)
    application = lifecycle.lock(application_id)
    return application, ApprovalCondition.objects.select_for_update().get(pk=condition_id)


def _ensure_open(application, condition):
    if condition.is_settled:
        raise StaleState(
            f"This condition is already {condition.get_state_display().lower()}.", current_state=application.state
        )
    if application.state in (State.CLOSED, State.WITHDRAWN, State.REJECTED):
        raise StaleState(lifecycle.stale_message(application), current_state=application.state)


def _record(application, condition, kind, by, action, comment, **data):
    lifecycle.record(
        application,
        kind=kind,
        by=by,
        role=lifecycle.acting_role(by, action),
        comment=comment,
        data={"condition_id": condition.pk, "timing": condition.timing, **data},
    )
