"""Staff decisions: intake, queries, department decisions, the panel and closing projects."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from applications import clock, lifecycle
from applications.closure import services as closure
from applications.errors import GuardFailed, InvalidInput, NotPermitted, StaleState
from applications.models import Application, DepartmentReview, Query
from applications.rules import Problem
from applications.selectors import current_department_reviews, data_fingerprint
from applications.states import State
from leo_access.roles import Department, department_of
from leo_access.teams import TEAM_ROLES, Team, in_team

from .delegation import route_after_departments
from .models import AgendaItem, Assignment, IntakeCheck, IntakeItem, InternalNote, PanelMeeting
from .quorum import quorum_problem


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
        department = _asking_department(application, by)
        stage, entered = application.state, application.stage_entered_at
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
            department=department or "",
            data_fingerprint=data_fingerprint(application),
            time_at_stage=event.at - entered if entered else None,
        )
    return query


def _asking_department(application: Application, by) -> Department | None:
    """At department review, the department asking. It must still be reviewing: a department that has decided has
    nothing left to ask, and its query would hold the application on a decision already made."""
    if application.state != State.DEPARTMENT_REVIEW:
        return None
    department = department_of(by)
    review = current_department_reviews(application).get(department=department)
    if review.decision != DepartmentReview.Decision.PENDING:
        raise StaleState(
            f"{department.label} has already recorded its decision ({review.get_decision_display().lower()}), "
            "so it can no longer send questions to the applicant.",
            current_state=application.state,
        )
    return department


def pass_intake(*, application_id, by, comment: str = "", expected_state: str | None = State.RAS_CHECK):
    """Pass to department review once every item of the intake checklist is ticked."""
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.pass_intake", application)
        ticked = set(application.intake_checks.values_list("item", flat=True))
        unticked = [item for item in IntakeItem if item.value not in ticked]
        if unticked:
            raise GuardFailed(
                "Tick every item of the intake checklist before passing the application on.",
                problems=[Problem("intake_unchecked", f"Not yet checked: {item.label}.") for item in unticked],
            )
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
    expected_state: str | None = None,
) -> DepartmentReview:
    """One department approves or rejects. All three approving moves the application on, to a delegated official
    or to the panel (`delegation.route_after_departments`); the first rejection rejects it. A department may decide
    while another department's query is with the applicant (`lifecycle.ensure_department_may_decide`)."""
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
        lifecycle.ensure_department_may_decide(application, department)
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
        lifecycle.note_awaiting_departments(application)
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
                "refuse_at_department_review",
                by=by,
                action="application.decide_department",
                kind="rejected",
                comment=reasons,
                data={"stage": State.DEPARTMENT_REVIEW, "department": department.value},
            )
        elif all(r.decision == DepartmentReview.Decision.APPROVED for r in current_department_reviews(application)):
            # Never while queried: the department that asked has still to decide.
            route_after_departments(application, by=by)
    return review


def accredit_application(
    *,
    application_id,
    by,
    meeting_id,
    conditions: str = "",
    ends_on: date,
    expected_state: str | None = State.PANEL_REVIEW,
) -> Application:
    """Accredit at a panel meeting: only a held, open meeting that meets the quorum accredits, and only what is on
    its agenda and not yet decided there. The meeting's date and members become the accreditation's record."""
    if not ends_on:
        raise InvalidInput("Enter the date accreditation ends.")
    conditions = (conditions or "").strip()
    with transaction.atomic():
        meeting = _lock_meeting_for_decision(meeting_id)
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.accredit", application)
        item = AgendaItem.objects.select_for_update().filter(meeting=meeting, application=application).first()
        if item is None:
            raise GuardFailed(
                f"Put the application on the agenda of the {meeting} before the panel decides on it.",
                problems=[Problem("not_on_agenda", f"{application.reference} is not on this meeting's agenda.")],
            )
        _ensure_pending(item, application)
        if ends_on <= meeting.date:
            raise InvalidInput("The accreditation end date must be after the meeting date.")
        lifecycle.apply(
            application,
            "accredit",
            by=by,
            action="application.accredit",
            kind="accredited",
            comment=conditions,
            data={
                "meeting_id": meeting.pk,
                "meeting_date": meeting.date.isoformat(),
                "members_present": "; ".join(meeting.members),
                "independent_members": "; ".join(meeting.independents),
                "ends_on": ends_on.isoformat(),
            },
            meeting_date=meeting.date,
            members_present="; ".join(meeting.members),
            conditions=conditions,
            ends_on=ends_on,
        )
        _record_outcome(item, AgendaItem.Outcome.ACCREDITED, conditions)
    return application


def close_project(
    *, application_id, by, reason: str = "", expected_state: str | None = State.ACCESS_GRANTED
) -> Application:
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.ensure_state(application, expected_state)
        lifecycle.authorise(by, "application.close", application)
        closure.close(application, by=by, action="application.close", reason=reason.strip())
    return application


# Queues, assignment, the intake checklist, notes and panel meetings ------------------------------------------


def assign(*, application_id, team: str, assignee, by) -> Assignment:
    """Give an application to oneself or to a colleague in the same team."""
    team = Team(team)
    if not in_team(by, team):
        raise NotPermitted("You can only assign work in your own team.")
    if not in_team(assignee, team):
        raise InvalidInput(f"{assignee} is not in the {team.label} team.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.authorise(by, "reviews.assign", application)
        assignment, _ = Assignment.objects.update_or_create(
            application=application, team=team, defaults={"assignee": assignee, "assigned_by": by}
        )
        lifecycle.record(
            application,
            kind="assigned",
            by=by,
            role=TEAM_ROLES[team][0].value,
            data={"team": team.value, "assignee": assignee.email},
        )
    return assignment


def tick_intake_items(*, application_id, by, items: list[str]) -> list[str]:
    """Record the checklist items this RAS officer has checked; returns every item now ticked."""
    unknown = set(items) - set(IntakeItem.values)
    if unknown:
        raise InvalidInput(f"Unknown checklist items: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.authorise(by, "application.pass_intake", application)
        lifecycle.ensure_state(application, None, State.RAS_CHECK)
        for item in items:
            IntakeCheck.objects.get_or_create(application=application, item=item, defaults={"ticked_by": by})
        return list(application.intake_checks.values_list("item", flat=True))


def add_internal_note(*, application_id, by, text: str):
    text = _required(text, "Enter the note.")
    with transaction.atomic():
        application = lifecycle.lock(application_id)
        lifecycle.authorise(by, "reviews.note", application)
        return InternalNote.objects.create(
            application=application,
            author=by,
            author_role=lifecycle.acting_role(by, "reviews.note"),
            text=text,
        )


def create_meeting(*, by, date, members_present: str, independent_members: str):
    members = [line.strip() for line in (members_present or "").splitlines() if line.strip()]
    independents = [line.strip() for line in (independent_members or "").splitlines() if line.strip()]
    problem = quorum_problem(members, independents)
    if problem:
        raise InvalidInput(problem)
    if not date:
        raise InvalidInput("Enter the date of the meeting.")
    lifecycle.authorise(by, "reviews.manage_meetings", None)
    return PanelMeeting.objects.create(
        date=date, members_present="\n".join(members), independent_members="\n".join(independents), created_by=by
    )


def _ensure_meeting_held(meeting: PanelMeeting, doing: str):
    """A meeting's record is what happened at it, so nothing is decided or closed before the day it meets."""
    if meeting.date > timezone.localdate(clock.now()):
        raise InvalidInput(f"The {meeting} {doing} before its date.")


def add_to_agenda(*, meeting_id, application_id, by):
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting_id)
        if meeting.status != PanelMeeting.Status.OPEN:
            raise InvalidInput("This meeting is closed.")
        application = lifecycle.lock(application_id)
        lifecycle.authorise(by, "reviews.manage_meetings", application)
        lifecycle.ensure_state(application, None, State.PANEL_REVIEW)
        item, _ = AgendaItem.objects.get_or_create(meeting=meeting, application=application)
    return item


def _lock_meeting_for_decision(meeting_id) -> PanelMeeting:
    """The meeting, locked, once it is sure it may decide: open, held, and quorate as recorded."""
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting_id)
    if meeting.status != PanelMeeting.Status.OPEN:
        raise InvalidInput("This meeting is closed.")
    _ensure_meeting_held(meeting, "cannot decide anything")
    problem = meeting.quorum_problem
    if problem:
        raise GuardFailed(
            f"The {meeting} does not meet the panel's quorum, so it cannot decide.",
            problems=[Problem("panel_quorum", problem)],
        )
    return meeting


def _ensure_pending(item: AgendaItem, application: Application):
    if item.outcome != AgendaItem.Outcome.PENDING:
        raise StaleState("The panel has already decided this item.", current_state=application.state)


def _record_outcome(item: AgendaItem, outcome: str, text: str):
    AgendaItem.objects.filter(pk=item.pk).update(outcome=outcome, note=text.strip(), decided_at=clock.now())


def record_agenda_decision(
    *, item_id, by, decision: str, text: str = "", ends_on=None, expected_state: str | None = State.PANEL_REVIEW
):
    """The panel's decision on one agenda item, made through the lifecycle with the meeting's record."""
    item = AgendaItem.objects.get(pk=item_id)
    if decision == "accredit":
        accredit_application(
            application_id=item.application_id,
            by=by,
            meeting_id=item.meeting_id,
            conditions=text,
            ends_on=ends_on,
            expected_state=expected_state,
        )
        return AgendaItem.objects.get(pk=item.pk)
    if decision not in ("reject", "query"):
        raise InvalidInput("Choose a decision.")
    with transaction.atomic():
        _lock_meeting_for_decision(item.meeting_id)
        item = AgendaItem.objects.select_for_update().select_related("application").get(pk=item.pk)
        _ensure_pending(item, item.application)
        if decision == "reject":
            reject_application(application_id=item.application_id, by=by, reasons=text, expected_state=expected_state)
            outcome = AgendaItem.Outcome.REJECTED
        else:
            query_application(application_id=item.application_id, by=by, questions=text, expected_state=expected_state)
            outcome = AgendaItem.Outcome.QUERIED
        _record_outcome(item, outcome, text)
    return AgendaItem.objects.get(pk=item.pk)


def close_meeting(*, meeting_id, by):
    lifecycle.authorise(by, "reviews.manage_meetings", None)
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting_id)
        if meeting.status == PanelMeeting.Status.CLOSED:
            return meeting
        _ensure_meeting_held(meeting, "cannot be closed")
        meeting.status = PanelMeeting.Status.CLOSED
        meeting.closed_at = clock.now()
        meeting.save(update_fields=["status", "closed_at"])
    return meeting
